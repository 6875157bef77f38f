package dev.cairn.engine.streams;

import dev.cairn.api.EventIterator;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogCursor;
import dev.cairn.engine.log.LogRecord;
import java.util.NoSuchElementException;

/**
 * Reads the global log {@code $all} by walking the log itself, forwards or backwards, skipping
 * commit records and applying the filter. Includes every event (system events, deleted streams'
 * events) as KurrentDB does until scavenging removes them, except, as in KurrentDB, the checkpoints
 * and parked messages of persistent subscriptions to {@code $all}. Bounded by the committed end seen when
 * the read began. Thread-safe; each read is its own iterator.
 */
public final class AllReader {

    private final Reads reads;

    AllReader(Reads reads) {
        this.reads = reads;
    }

    /**
     * Forwards, events at or after {@code from}; backwards, events before it ({@code END}: from the
     * last event).
     */
    public EventIterator read(ReadAllOptions options) {
        FilterMatcher filter = FilterMatcher.of(options.filter());
        Log log = reads.catalog().log();
        long committed = log.committedEnd();
        LogCursor cursor;
        if (options.direction() == ReadDirection.FORWARDS) {
            long from = options.from().isEnd() ? committed : options.from().prepare();
            cursor = log.forwards(Long.compareUnsigned(from, committed) > 0 ? committed : from, committed);
        } else {
            long before = options.from().isEnd() ? committed : options.from().prepare();
            cursor = log.backwards(Long.compareUnsigned(before, committed) > 0 ? committed : before);
        }
        return new Iterator(cursor, filter, options.maxCount(), options.resolveLinks());
    }

    private final class Iterator implements EventIterator {
        private final LogCursor cursor;
        private final FilterMatcher filter;
        private final boolean resolve;
        private long remaining;
        private ResolvedEvent next;
        private boolean done;

        Iterator(LogCursor cursor, FilterMatcher filter, long maxCount, boolean resolve) {
            this.cursor = cursor;
            this.filter = filter;
            this.remaining = maxCount;
            this.resolve = resolve;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done && remaining > 0) {
                LogRecord record = cursor.next();
                if (record == null) {
                    done = true;
                } else if (record instanceof LogRecord.Event e && !FilterMatcher.hiddenFromAll(e)
                        && (filter == null || filter.matches(e))) {
                    next = reads.resolve(e, resolve);
                }
            }
            return next != null && remaining > 0;
        }

        @Override
        public ResolvedEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ResolvedEvent e = next;
            next = null;
            if (--remaining == 0) {
                cursor.flushCounts();
            }
            return e;
        }

        @Override
        public void close() {
            done = true;
            next = null;
            cursor.flushCounts();
        }
    }
}
