package dev.cairn.engine.streams;

import dev.cairn.engine.log.LogRecord;

/**
 * The most recently decoded log records, shared by the subscriptions reading the same part of the
 * log: live subscribers all read the newest records, and with thousands of them, decoding each
 * record once instead of once per subscriber is most of the cost of delivery. A fixed number of
 * slots holding records up to a fixed size, so memory stays bounded whatever the subscribers do.
 *
 * <p>Thread-safe without locks: slots are overwritten racily with immutable entries (final fields
 * publish them safely), and a reader checks that the entry it found is for its position.
 */
final class TailCache {

    /** A decoded record and where the next one starts (absent a segment seal in between). */
    record Entry(long position, LogRecord record, long next) {
    }

    private static final int BITS = 12;
    /** Larger records are not kept, so the cache holds at most 4096 x 16 KiB = 64 MiB. */
    static final int MAX_RECORD_BYTES = 16 << 10;
    private final Entry[] slots = new Entry[1 << BITS];

    private static int slot(long position) {
        return (int) ((position * 0x9E3779B97F4A7C15L) >>> (64 - BITS));
    }

    /** The record starting at {@code position}, or null. */
    Entry get(long position) {
        Entry e = slots[slot(position)];
        return e != null && e.position == position ? e : null;
    }

    void put(LogRecord record, long next) {
        if (next - record.position() > MAX_RECORD_BYTES) {
            return;
        }
        slots[slot(record.position())] = new Entry(record.position(), record, next);
    }
}
