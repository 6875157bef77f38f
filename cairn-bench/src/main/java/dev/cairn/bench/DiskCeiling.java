package dev.cairn.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * Measures the disk's own group-commit ceiling: records of a given size overwrite a pre-written
 * (zero-filled, fsynced) file, {@code group} records per {@code write} + {@code force(false)}
 * (fdatasync), from one thread, for a fixed time. This is what Cairn's writer does for a group with
 * nothing else in the way, so it bounds Cairn's durable append rate for the same bytes.
 *
 * <p>The file has the size of a Cairn segment and is overwritten from its start again when full,
 * so every write lands on blocks that already exist, as in Cairn. Not thread-safe.
 */
final class DiskCeiling implements AutoCloseable {

    static final long FILE_SIZE = 256L << 20;
    private static final int ZERO_CHUNK = 1 << 20;

    /**
     * One measurement: {@code records} written in {@code syncs} fdatasyncs over {@code nanos};
     * {@code latency} holds the time of each group's write + fdatasync, in nanoseconds.
     */
    record Result(int recordBytes, int group, long records, long syncs, long nanos, Histogram latency) {
        double recordsPerSecond() {
            return records * 1e9 / nanos;
        }

        double megabytesPerSecond() {
            return records * (double) recordBytes * 1e9 / nanos / (1 << 20);
        }

        double syncsPerSecond() {
            return syncs * 1e9 / nanos;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long size;

    private DiskCeiling(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /** Creates the pre-written file in {@code dir}: zeros to {@link #FILE_SIZE}, fsynced. */
    static DiskCeiling prepare(Path dir) throws IOException {
        return prepare(dir, FILE_SIZE);
    }

    /** Creates the pre-written file in {@code dir}: zeros to {@code size} bytes (a segment's size), fsynced. */
    static DiskCeiling prepare(Path dir, long size) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("disk-ceiling.dat");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
        for (long at = 0; at < size; ) {
            zeros.clear();
            at += channel.write(zeros, at);
        }
        channel.force(true);
        return new DiskCeiling(file, channel, size);
    }

    /** Writes groups of {@code group} records of {@code recordBytes} with one fdatasync each, for {@code seconds}. */
    Result measure(int recordBytes, int group, double seconds) throws IOException {
        int groupBytes = recordBytes * group;
        ByteBuffer buffer = ByteBuffer.allocateDirect(groupBytes);
        for (int i = 0; i < groupBytes; i++) {
            buffer.put(i, (byte) (i % recordBytes == 0 ? 1 : 'x'));
        }
        if (groupBytes > size) {
            throw new IllegalArgumentException("a group of " + groupBytes + " bytes does not fit the " + size + "-byte file");
        }
        long limit = size - size % groupBytes;
        long offset = 0;
        long syncs = 0;
        Histogram latency = new Histogram(60_000_000_000L, 3);
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now = start;
        do {
            long t0 = now;
            buffer.clear();
            while (buffer.hasRemaining()) {
                offset += channel.write(buffer, offset);
            }
            channel.force(false);
            syncs++;
            if (offset >= limit) {
                offset = 0;
            }
            now = System.nanoTime();
            latency.recordValue(Math.min(now - t0, latency.getHighestTrackableValue()));
        } while (now < deadline);
        return new Result(recordBytes, group, syncs * group, syncs, now - start, latency);
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }
}
