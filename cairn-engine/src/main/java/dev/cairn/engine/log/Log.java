package dev.cairn.engine.log;

import dev.cairn.api.CorruptedStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The segmented log: the ordered set of {@link Segment}s and the committed end that bounds every
 * reader.
 *
 * <p>A global position is a byte offset: segment {@code i} holds {@code [i * size, (i + 1) * size)}.
 * Records never span segments; a batch may. When the writer moves to the next segment it records
 * the previous segment's data end in that segment's header ({@link #SEAL_OFFSET}, a "seal"), so
 * readers know where its records stop without scanning.
 *
 * <p>Thread-safe: the writer adds segments and publishes the committed end; readers read both
 * (volatile) and never look past the committed end.
 */
public final class Log implements AutoCloseable {

    /** Where a segment's header keeps its seal: int64 data end (segment-relative), int32 CRC32C of it. */
    static final int SEAL_OFFSET = 40;

    private final Path dir;
    private final long segmentSize;
    private final ChannelFactory channels;
    private final SegmentAllocator allocator;
    private volatile Segment[] segments;
    private volatile long committedEnd;
    /** Event records read and their bytes, for metrics (KurrentDB's events and bytes read). */
    private final LongAdder eventsRead = new LongAdder();
    private final LongAdder eventBytesRead = new LongAdder();

    private Log(Path dir, long segmentSize, ChannelFactory channels, Segment[] segments) {
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.channels = channels;
        this.segments = segments;
        this.allocator = new SegmentAllocator(dir, segmentSize);
    }

    /**
     * Opens the log in {@code dir}, creating its first segment if there is none. Does not recover:
     * see {@link LogRecovery}. The segment size of an existing log wins over {@code segmentSize}.
     */
    public static Log open(Path dir, long segmentSize, ChannelFactory channels) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = segmentFiles(dir);
        if (!files.isEmpty()) {
            segmentSize = Segment.readSize(files.get(0));
        }
        List<Segment> segments = new ArrayList<>();
        try {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                long index = indexOf(file);
                if (index != i) {
                    throw new CorruptedStoreException("log segment " + Segment.fileName(i) + " is missing from " + dir
                            + " (found " + file.getFileName() + ")");
                }
                segments.add(Segment.open(file, index, segmentSize, channels));
            }
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments) {
                s.close();
            }
            throw e;
        }
        Log log = new Log(dir, segmentSize, channels, segments.toArray(Segment[]::new));
        if (segments.isEmpty()) {
            log.addSegment();
        }
        return log;
    }

    /** Segment files of {@code dir}, in index order. Leftover temporary files are removed. */
    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> all = list.sorted().toList();
            List<Path> segments = new ArrayList<>();
            for (Path p : all) {
                String name = p.getFileName().toString();
                if (name.endsWith(".seg.tmp")) {
                    Files.delete(p);
                } else if (Segment.isFileName(name)) {
                    segments.add(p);
                }
            }
            return segments;
        }
    }

    private static long indexOf(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - 4));
    }

    public Path directory() {
        return dir;
    }

    public long segmentSize() {
        return segmentSize;
    }

    /** Position of the first record of the log. */
    public long firstPosition() {
        return Segment.HEADER_SIZE;
    }

    /** The end of durable, readable data: readers see records strictly before it. */
    public long committedEnd() {
        return committedEnd;
    }

    /** Publishes a new committed end (writer and recovery only). */
    public void publish(long end) {
        committedEnd = end;
    }

    public int segmentCount() {
        return segments.length;
    }

    public Segment segment(long index) {
        Segment[] s = segments;
        if (index < 0 || index >= s.length) {
            throw new CorruptedStoreException("position points into segment " + index + ", which does not exist");
        }
        return s[(int) index];
    }

    /** The segment holding {@code position}. */
    public Segment segmentFor(long position) {
        return segment(position / segmentSize);
    }

    /** Appends the next segment (waiting for the allocator) and starts preparing the one after. */
    Segment addSegment() throws IOException {
        long index = segments.length;
        Path file = allocator.take(index);
        Segment segment = Segment.open(file, index, segmentSize, channels);
        Segment[] grown = java.util.Arrays.copyOf(segments, segments.length + 1);
        grown[grown.length - 1] = segment;
        segments = grown;
        allocator.prepare(index + 1);
        return segment;
    }

    /** Removes segments after {@code lastIndex} (recovery only: they hold nothing acknowledged). */
    void dropSegmentsAfter(long lastIndex) throws IOException {
        Segment[] s = segments;
        if (lastIndex + 1 >= s.length) {
            return;
        }
        for (int i = (int) lastIndex + 1; i < s.length; i++) {
            s[i].close();
            Files.deleteIfExists(s[i].path());
        }
        segments = java.util.Arrays.copyOf(s, (int) lastIndex + 1);
        LogFiles.fsyncDirectory(dir);
    }

    /** The sealed data end of {@code segment} (segment-relative), or -1 when it is not sealed. */
    static long sealOf(Segment segment) {
        ByteBuffer b = segment.buffer();
        long end = b.getLong(SEAL_OFFSET);
        if (end == 0) {
            return -1;
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.duplicate().position(SEAL_OFFSET).limit(SEAL_OFFSET + 8));
        return (int) crc.getValue() == b.getInt(SEAL_OFFSET + 8) ? end : -1;
    }

    /** The bytes of a seal recording {@code end}. */
    static ByteBuffer seal(long end) {
        ByteBuffer b = ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(end);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.duplicate().flip());
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /** Reads the validated record at {@code position}. */
    public LogRecord read(long position) {
        return read(position, true);
    }

    /**
     * The id of the validated event record at {@code position}, its data and metadata left unread
     * (the index keeps positions only; idempotency checks need the ids).
     */
    public UUID eventId(long position) {
        return ((LogRecord.Event) read(position, false)).id();
    }

    private LogRecord read(long position, boolean payload) {
        Segment segment = segmentFor(position);
        int offset = (int) (position - segment.basePosition());
        int length = RecordCodec.validate(segment.buffer(), offset, (int) segment.size());
        if (length <= 0) {
            throw corrupt(segment, offset, length == 0 ? "no record where the index points" : "invalid record");
        }
        LogRecord record = RecordCodec.decode(segment.buffer(), offset, position, payload);
        if (record instanceof LogRecord.Event) {
            countRead(1, length);
        }
        return record;
    }

    /** Counts events read: every read of the log passes here, a cursor's in blocks. */
    void countRead(int events, long bytes) {
        eventsRead.add(events);
        eventBytesRead.add(bytes);
    }

    /** Event records read from the log since it opened (by readers, subscriptions, projections, checks). */
    public long eventsRead() {
        return eventsRead.sum();
    }

    /** The bytes of the event records {@link #eventsRead()} counts, headers included. */
    public long eventBytesRead() {
        return eventBytesRead.sum();
    }

    static CorruptedStoreException corrupt(Segment segment, long offset, String what) {
        return new CorruptedStoreException("log segment " + segment.path() + " at offset " + offset + ": " + what);
    }

    /** A cursor over records from {@code from} (inclusive) up to {@code until} (exclusive). */
    public LogCursor forwards(long from, long until) {
        return new LogCursor.Forwards(this, from, until);
    }

    /** A cursor over records before {@code before} (exclusive), last first. */
    public LogCursor backwards(long before) {
        return new LogCursor.Backwards(this, before, true);
    }

    /**
     * As {@link #backwards(long)}; without {@code payload}, events come back with empty data and
     * metadata (for scans that need only the header fields).
     */
    public LogCursor backwards(long before, boolean payload) {
        return new LogCursor.Backwards(this, before, payload);
    }

    @Override
    public void close() throws IOException {
        allocator.close();
        for (Segment s : segments) {
            s.close();
        }
    }
}
