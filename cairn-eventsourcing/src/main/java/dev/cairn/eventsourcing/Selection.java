package dev.cairn.eventsourcing;

import dev.cairn.api.EventFilter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which events of {@code $all} a projection or an outbox sees: events of some types, or the events
 * of one category of streams ({@code category-*}), filtered by the store so that the others never
 * cross the wire. System events ({@code $}-types) are never selected.
 *
 * @param filter the store-side filter
 * @param description what it selects, for logs
 */
public record Selection(EventFilter filter, String description) {

    public Selection {
        Objects.requireNonNull(filter, "filter");
    }

    /** Events of these stored types. */
    public static Selection eventTypes(String... types) {
        return eventTypes(Arrays.asList(types));
    }

    /** Events of these stored types. */
    public static Selection eventTypes(List<String> types) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("select at least one event type");
        }
        String alternatives = types.stream().map(Selection::quote).collect(Collectors.joining("|"));
        return new Selection(EventFilter.eventTypeRegex("^(" + alternatives + ")$"), "event types " + types);
    }

    /** Events of these classes, by the names the registry stores them under. */
    public static Selection eventClasses(EventRegistry registry, Class<?>... classes) {
        return eventTypes(Arrays.stream(classes).map(c -> registry.forClass(c).name()).toList());
    }

    /** Events of the streams of one category: {@code category-...}. */
    public static Selection category(String category) {
        if (category.isEmpty() || category.contains("-")) {
            throw new IllegalArgumentException("a category is non-empty and has no '-': " + category);
        }
        return new Selection(EventFilter.streamNamePrefix(category + "-"), "category " + category);
    }

    /** Every event that is not a system event. */
    public static Selection all() {
        return new Selection(EventFilter.excludeSystemEvents(), "all user events");
    }

    /** Escapes a literal for RE2 (the store's regex syntax). */
    private static String quote(String literal) {
        StringBuilder out = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
