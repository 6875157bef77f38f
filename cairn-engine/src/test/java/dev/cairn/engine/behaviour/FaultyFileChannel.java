package dev.cairn.engine.behaviour;

import dev.cairn.engine.log.ChannelFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FileChannel} that delegates everything to a real one, except that {@link #force} fails
 * with an {@link IOException} once a budget of successful forces, shared by every channel of one
 * {@link #factory}, is spent: an fdatasync failure as a dying disk produces it.
 */
final class FaultyFileChannel extends FileChannel {

    private final FileChannel delegate;
    private final AtomicInteger forcesLeft;

    private FaultyFileChannel(FileChannel delegate, AtomicInteger forcesLeft) {
        this.delegate = delegate;
        this.forcesLeft = forcesLeft;
    }

    /** A channel factory whose channels fail every force after the first {@code forcesLeft} (shared). */
    static ChannelFactory factory(AtomicInteger forcesLeft) {
        return (path, options) -> new FaultyFileChannel(FileChannel.open(path, options), forcesLeft);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (forcesLeft.getAndDecrement() <= 0) {
            throw new IOException("injected fdatasync failure");
        }
        delegate.force(metaData);
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
    public int write(ByteBuffer src) throws IOException {
        return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return delegate.write(srcs, offset, length);
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
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return delegate.write(src, position);
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
