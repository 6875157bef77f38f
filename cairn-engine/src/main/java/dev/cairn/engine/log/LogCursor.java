package dev.cairn.engine.log;

/**
 * Walks the records of the log in one direction, crossing segment seals. Not thread-safe; cheap to
 * create.
 *
 * <p>The events it reads are added to the log's read counters ({@link Log#eventsRead()}) in blocks
 * of {@value #COUNTED_EVERY}, at its end, and when {@link #flushCounts()} is called, rather than
 * one by one: a shared counter's update per record costs a few percent of a scan of {@code $all}.
 */
public abstract sealed class LogCursor permits LogCursor.Forwards, LogCursor.Backwards {

    private static final int COUNTED_EVERY = 64;

    final Log log;
    long position;
    private int uncountedEvents;
    private long uncountedBytes;

    LogCursor(Log log, long position) {
        this.log = log;
        this.position = position;
    }

    /** The next record, or null at the end. */
    public abstract LogRecord next();

    /** Adds the events read and not yet counted to the log's read counters; for a cursor left before its end. */
    public void flushCounts() {
        if (uncountedEvents > 0) {
            log.countRead(uncountedEvents, uncountedBytes);
            uncountedEvents = 0;
            uncountedBytes = 0;
        }
    }

    /** Counts {@code record} (of {@code length} bytes) as read when it is an event. */
    final LogRecord counted(LogRecord record, int length) {
        if (record instanceof LogRecord.Event) {
            uncountedBytes += length;
            if (++uncountedEvents == COUNTED_EVERY) {
                flushCounts();
            }
        }
        return record;
    }

    /** The end: counts what is left. */
    final LogRecord end() {
        flushCounts();
        return null;
    }

    /** Where the cursor stands: the position of the next record forwards, or the end of it backwards. */
    public long position() {
        return position;
    }

    /**
     * Moves {@code position}, if it is not a record start, to the first record start after it (or
     * to {@code until}). Positions come from clients too, and need not be record starts.
     */
    static long alignToRecord(Log log, long position, long until) {
        if (position >= until || position <= log.firstPosition()) {
            return position;
        }
        Segment segment = log.segmentFor(position);
        int offset = (int) (position - segment.basePosition());
        if (offset < Segment.HEADER_SIZE) {
            return segment.basePosition() + Segment.HEADER_SIZE;
        }
        if (RecordCodec.validate(segment.buffer(), offset, (int) segment.size()) > 0) {
            return position;
        }
        long walk = segment.basePosition() + Segment.HEADER_SIZE;
        while (walk < position && walk < until) {
            int o = (int) (walk - segment.basePosition());
            int length = RecordCodec.validate(segment.buffer(), o, (int) segment.size());
            if (length <= 0) {
                long seal = Log.sealOf(segment);
                walk = seal == o ? segment.basePosition() + segment.size() + Segment.HEADER_SIZE : until;
                break;
            }
            walk += length;
        }
        return walk;
    }

    static final class Forwards extends LogCursor {
        private final long until;

        Forwards(Log log, long from, long until) {
            super(log, Math.max(from, log.firstPosition()));
            this.until = until;
            alignStart();
        }

        private void alignStart() {
            position = alignToRecord(log, position, until);
        }

        @Override
        public LogRecord next() {
            while (position < until) {
                Segment segment = log.segmentFor(position);
                int offset = (int) (position - segment.basePosition());
                if (offset < Segment.HEADER_SIZE) {
                    position = segment.basePosition() + Segment.HEADER_SIZE;
                    continue;
                }
                int length = RecordCodec.validate(segment.buffer(), offset, (int) segment.size());
                if (length > 0) {
                    LogRecord record = counted(RecordCodec.decode(segment.buffer(), offset, position), length);
                    position += length;
                    return record;
                }
                if (Log.sealOf(segment) == offset) {
                    position = segment.basePosition() + segment.size() + Segment.HEADER_SIZE;
                    continue;
                }
                throw Log.corrupt(segment, offset, length == 0 ? "unexpected end of data" : "invalid record");
            }
            return end();
        }
    }

    static final class Backwards extends LogCursor {
        private final boolean payload;

        Backwards(Log log, long before, boolean payload) {
            // a position inside a record reads that record first: it starts before the position
            super(log, alignToRecord(log, Math.min(before, log.committedEnd()), log.committedEnd()));
            this.payload = payload;
        }

        @Override
        public LogRecord next() {
            while (position > log.firstPosition()) {
                Segment segment = log.segmentFor(position - 1);
                int offset = (int) (position - segment.basePosition());
                if (offset <= Segment.HEADER_SIZE) {
                    Segment previous = log.segment(segment.index() - 1);
                    long seal = Log.sealOf(previous);
                    if (seal < 0 && !endsWithRecord(previous)) {
                        throw Log.corrupt(previous, Log.SEAL_OFFSET, "segment is not sealed but a later one exists");
                    }
                    position = previous.basePosition() + (seal < 0 ? previous.size() : seal);
                    continue;
                }
                int length = segment.buffer().getInt(offset - 4);
                int start = offset - length;
                if (length <= 0 || start < Segment.HEADER_SIZE
                        || RecordCodec.validate(segment.buffer(), start, (int) segment.size()) != length) {
                    throw Log.corrupt(segment, offset, "invalid record trailer reading backwards");
                }
                position = segment.basePosition() + start;
                return counted(RecordCodec.decode(segment.buffer(), start, position, payload), length);
            }
            return end();
        }

        /**
         * True when a valid record ends at the segment's last byte. The writer seals a segment when
         * a record does not fit; one filled exactly has no seal if the store closed right there and
         * the next open went on in the next segment.
         */
        private static boolean endsWithRecord(Segment segment) {
            int end = (int) segment.size();
            int length = segment.buffer().getInt(end - 4);
            int start = end - length;
            return length > 0 && start >= Segment.HEADER_SIZE
                    && RecordCodec.validate(segment.buffer(), start, end) == length;
        }
    }
}
