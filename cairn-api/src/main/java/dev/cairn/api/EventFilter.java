package dev.cairn.api;

import java.util.List;
import java.util.Objects;

/**
 * A server-side filter for reads of {@code $all}: on the stream name or the event type, by
 * prefixes or by one regular expression (RE2 syntax, evaluated in linear time, so a hostile
 * pattern cannot hang the node). A record passes when it starts with any prefix, or when the
 * regex finds a match in it.
 *
 * @param target what the filter looks at
 * @param prefixes prefixes to accept; empty when {@code regex} is used
 * @param regex a regular expression, or null when {@code prefixes} are used
 */
public record EventFilter(Target target, List<String> prefixes, String regex) {

    /** What a filter looks at. */
    public enum Target {
        STREAM_NAME,
        EVENT_TYPE
    }

    public EventFilter {
        Objects.requireNonNull(target, "filter target must not be null");
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
        if (prefixes.isEmpty() == (regex == null)) {
            throw new InvalidArgumentException("a filter needs either prefixes or a regex, not both or neither");
        }
    }

    public static EventFilter streamNamePrefix(String... prefixes) {
        return new EventFilter(Target.STREAM_NAME, List.of(prefixes), null);
    }

    public static EventFilter streamNameRegex(String regex) {
        return new EventFilter(Target.STREAM_NAME, List.of(), regex);
    }

    public static EventFilter eventTypePrefix(String... prefixes) {
        return new EventFilter(Target.EVENT_TYPE, List.of(prefixes), null);
    }

    public static EventFilter eventTypeRegex(String regex) {
        return new EventFilter(Target.EVENT_TYPE, List.of(), regex);
    }

    /** Excludes system events: types starting with {@code $}. */
    public static EventFilter excludeSystemEvents() {
        return eventTypeRegex("^[^$]");
    }
}
