package dev.cairn.engine.streams;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cairn.api.EventFilter;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.engine.log.LogRecord;
import java.util.List;

/**
 * Applies an {@link EventFilter} to log records. Regular expressions run on RE2/J, whose matching
 * time is linear in the input, so no pattern can hang a reader. Thread-safe.
 */
final class FilterMatcher {

    private final EventFilter.Target target;
    private final List<String> prefixes;
    private final Pattern pattern;

    private FilterMatcher(EventFilter.Target target, List<String> prefixes, Pattern pattern) {
        this.target = target;
        this.prefixes = prefixes;
        this.pattern = pattern;
    }

    /** A matcher for {@code filter}, or null for "everything". */
    static FilterMatcher of(EventFilter filter) {
        if (filter == null) {
            return null;
        }
        Pattern pattern = null;
        if (filter.regex() != null) {
            try {
                pattern = Pattern.compile(filter.regex());
            } catch (PatternSyntaxException e) {
                throw new InvalidArgumentException("invalid filter regex: " + e.getMessage());
            }
        }
        return new FilterMatcher(filter.target(), filter.prefixes(), pattern);
    }

    /** Streams of persistent subscriptions to {@code $all} that KurrentDB keeps out of {@code $all}. */
    private static final String ALL_GROUP_PREFIX = "$persistentsubscription-$all::";

    /**
     * True for records no read of {@code $all} returns, as KurrentDB's default {@code $all} filter
     * has it: the checkpoints and parked messages of persistent subscriptions to {@code $all}, which
     * would otherwise feed those subscriptions their own bookkeeping.
     */
    static boolean hiddenFromAll(LogRecord.Event e) {
        String stream = e.stream();
        return stream.startsWith(ALL_GROUP_PREFIX) && (stream.endsWith("-checkpoint") || stream.endsWith("-parked"));
    }

    boolean matches(LogRecord.Event e) {
        String value = target == EventFilter.Target.STREAM_NAME ? e.stream() : e.type();
        if (pattern != null) {
            return pattern.matcher(value).find();
        }
        for (String prefix : prefixes) {
            if (value.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
