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
