package dev.cairn.engine.log;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the next segment file ahead of the writer, on a background thread: writes the header
 * and zeros to full size, fsyncs, and renames it into place, so the writer only ever overwrites
 * blocks that already exist.
 *
 * <p>Design note: appending to a growing file makes every fdatasync flush file-size metadata as
 * well; overwriting a pre-written file does not, which measured 2-4x more durable appends per
 * second on our machines. {@code fallocate} alone does not give this: the blocks stay "unwritten"
 * and their first write still updates metadata.
 *
 * <p>Thread-safe.
 */
final class SegmentAllocator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentAllocator.class);
    private static final int ZERO_CHUNK = 1 << 20;

    /**
     * Zeros written between syncs. Syncing the whole file once at the end put up to a segment
     * (256 MiB) of writes ahead of the writer's next fdatasync on the same disk, which then waited
     * for all of it: appends stalled for seconds at every segment roll. A few MiB at a time keep
     * that wait to milliseconds. Direct writes leave nothing dirty behind them and need no such syncs.
     */
    private static final int SYNC_EVERY = 4 << 20;

    private final Path dir;
    private final long segmentSize;
    private final ExecutorService executor;
    /**
     * Whether to try {@code O_DIRECT} ({@link #writeDirect}); off for good once it fails, even for a
     * reason that would pass (a full disk): the buffered way is only slower.
     */
    private volatile boolean direct;
    private long pendingIndex = -1;
    private CompletableFuture<Path> pending;

    SegmentAllocator(Path dir, long segmentSize) {
        this(dir, segmentSize, true);
    }

    /** @param direct whether to try direct I/O at all (tests compare both ways) */
    SegmentAllocator(Path dir, long segmentSize, boolean direct) {
        this.direct = direct;
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-segment-allocator");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts preparing segment {@code index} if it is not already being prepared. */
    synchronized void prepare(long index) {
        if (pendingIndex == index) {
            return;
        }
        pendingIndex = index;
        pending = CompletableFuture.supplyAsync(() -> {
            try {
                return create(index);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /** Returns the path of segment {@code index}, waiting for it to be ready (creating it if needed). */
    Path take(long index) throws IOException {
        CompletableFuture<Path> future;
        synchronized (this) {
            if (pendingIndex != index) {
                prepare(index);
            }
            future = pending;
        }
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        }
    }

    private Path create(long index) throws IOException {
        Path target = dir.resolve(Segment.fileName(index));
        if (Files.exists(target)) {
            return target;
        }
        Path tmp = dir.resolve(Segment.fileName(index) + ".tmp");
        if (!direct || !writeDirect(tmp, index)) {
            writeBuffered(tmp, index);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        LogFiles.fsyncDirectory(dir);
        return target;
    }

    /**
     * Writes the segment with {@code O_DIRECT}: the zeros go from one aligned buffer to the disk,
     * through no page cache. Through the page cache, the kernel's work per page (allocating it,
     * reserving its block, writing it back) took this thread a sixth of the node's CPU at 100-event
     * appends over gRPC, and 256 MiB of zero pages a segment pushed useful pages out of the cache.
     * Part of that work comes back in the log writer's own writes, which now meet pages the cache
     * does not hold; less than half of it, as measured (docs/benchmarks.md). The writer keeps its
     * writes whole pages ({@link LogWriter}), so it does not make the kernel read back a page that
     * only the disk holds.
     *
     * @return false when this file system refuses direct I/O (after which only buffered is tried)
     */
    private boolean writeDirect(Path tmp, long index) throws IOException {
        FileChannel ch;
        int align;
        try {
            align = Math.toIntExact(Files.getFileStore(dir).getBlockSize());
            if (Integer.bitCount(align) != 1 || ZERO_CHUNK % align != 0 || segmentSize % align != 0) {
                direct = false;
                return false;
            }
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (ClosedByInterruptException e) {
            throw e; // closing, not refused
        } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
            LOG.debug("log: direct I/O refused in {}, preparing segments through the page cache: {}", dir, e.toString());
            direct = false;
            return false;
        }
        try (ch) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK + align).alignedSlice(align);
            int first = (int) Math.min(ZERO_CHUNK, segmentSize);
            zeros.put(0, Segment.header(index, segmentSize), 0, Segment.HEADER_SIZE).limit(first);
            if (ch.write(zeros, 0) != first) {
                throw new IOException("short direct write");
            }
            zeros.put(0, new byte[Segment.HEADER_SIZE]);
            long written = first;
            while (written < segmentSize) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, segmentSize - written));
                written += ch.write(zeros, written); // a short write leaves the next one unaligned: refused, buffered
            }
            ch.force(true);
        } catch (IOException e) {
            if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
                throw e; // closing, not refused
            }
            // Some file systems accept O_DIRECT at open and refuse the writes (EINVAL).
            LOG.debug("log: a direct write failed in {}, preparing segments through the page cache: {}", dir, e.toString());
            direct = false;
            return false;
        }
        return true;
    }

    private void writeBuffered(Path tmp, long index) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
            long written = 0;
            long unsynced = 0;
            while (written < segmentSize) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, segmentSize - written));
                int n = ch.write(zeros, written);
                written += n;
                unsynced += n;
                if (unsynced >= SYNC_EVERY) {
                    ch.force(false);
                    unsynced = 0;
                }
            }
            ByteBuffer header = Segment.header(index, segmentSize);
            while (header.hasRemaining()) {
                ch.write(header, header.position());
            }
            ch.force(true);
        }
    }

    /**
     * Stops preparing segments and waits for the thread to let go of the directory: a segment half
     * written when the store closes is interrupted, and nothing touches the directory after this
     * returns (a caller may delete it next).
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("log: the segment allocator did not stop within 30 s of closing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
