package dev.cairn.engine.fault;

import dev.cairn.engine.log.ChannelFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChannelFactory} whose channels delegate to real files but fail on demand the way a dying
 * or full disk does, for every channel it opened at once:
 *
 * <ul>
 *   <li>a budget of successful forces: once it is spent, every {@link FileChannel#force} fails (an
 *       fdatasync failure, as in PostgreSQL's "fsyncgate"; {@link #failForcesAfter});</li>
 *   <li>{@link #failNextForce()}: exactly one force fails, later ones succeed again (the disk
 *       "recovered", which must not make the store trust what it wrote);</li>
 *   <li>{@link #diskFull}: positional writes store a few bytes (at most half of them) and then fail
 *       with {@code No space left on device}, leaving a short write behind as ENOSPC does.</li>
 *   <li>{@link #slowForces}: every force takes at least a given time (a slow disk), so that writes
 *       pile up behind it.</li>
 * </ul>
 *
 * Thread-safe: the switches are atomics read on every call.
 */
public final class FaultyChannels implements ChannelFactory {

    /** The message the JDK gives for ENOSPC, so that errors read as they would in production. */
    public static final String NO_SPACE = "No space left on device";

    private final AtomicInteger forcesLeft = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicBoolean failOneForce = new AtomicBoolean();
    private final AtomicBoolean full = new AtomicBoolean();
    private final AtomicInteger failedForces = new AtomicInteger();
    private final AtomicInteger failedWrites = new AtomicInteger();
    private volatile int bytesBeforeFull;
    private volatile long forceDelayNanos;

    @Override
    public FileChannel open(java.nio.file.Path path, java.util.Set<? extends java.nio.file.OpenOption> options)
            throws IOException {
        return new Channel(FileChannel.open(path, options));
    }

    /** Every force after the next {@code successful} ones fails, until this is called again. */
    public FaultyChannels failForcesAfter(int successful) {
        forcesLeft.set(successful);
        return this;
    }

    /** The next force fails; the ones after it succeed. */
    public FaultyChannels failNextForce() {
        failOneForce.set(true);
        return this;
    }

    /**
     * While {@code full}, each positional write stores at most {@code bytesWritten} bytes (and at most
     * half of its bytes) and then
     * throws {@code IOException("No space left on device")}.
     */
    public FaultyChannels diskFull(boolean full, int bytesWritten) {
        this.bytesBeforeFull = bytesWritten;
        this.full.set(full);
        return this;
    }

    /** Every force waits {@code delay} first, until this is called again (with zero: no wait). */
    public FaultyChannels slowForces(java.time.Duration delay) {
        this.forceDelayNanos = delay.toNanos();
        return this;
    }

    /** How many forces failed so far. */
    public int failedForces() {
        return failedForces.get();
    }

    /** How many writes failed so far. */
    public int failedWrites() {
        return failedWrites.get();
    }

    private final class Channel extends FileChannel {

        private final FileChannel delegate;

        Channel(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            long delay = forceDelayNanos;
            if (delay > 0) {
                try {
                    Thread.sleep(java.time.Duration.ofNanos(delay));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted in a slowed force");
                }
            }
            if (failOneForce.compareAndSet(true, false) || forcesLeft.getAndDecrement() <= 0) {
                failedForces.incrementAndGet();
                throw new IOException("Input/output error (injected fdatasync failure)");
            }
            delegate.force(metaData);
        }

        private static int significantBytes(ByteBuffer src) {
            int end = src.limit();
            while (end > src.position() && src.get(end - 1) == 0) {
                end--;
            }
            return end - src.position();
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (full.get()) {
                // ENOSPC leaves a short write; at most half of the bytes before the write's trailing
                // zeros (the log writer rounds its writes up to whole pages with zeros), so that what
                // is missing is not just zeros the pre-written segment holds there already
                int allowed = Math.min(bytesBeforeFull, significantBytes(src) / 2);
                if (allowed > 0) {
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + allowed);
                    delegate.write(part, position);
                }
                failedWrites.incrementAndGet();
                throw new IOException(NO_SPACE);
            }
            return delegate.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (full.get()) {
                failedWrites.incrementAndGet();
                throw new IOException(NO_SPACE);
            }
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (full.get()) {
                failedWrites.incrementAndGet();
                throw new IOException(NO_SPACE);
            }
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
