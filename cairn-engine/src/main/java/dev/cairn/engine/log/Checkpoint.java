package dev.cairn.engine.log;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped 8-byte position the writer updates after every fdatasync: the end of the
 * durable log. Recovery uses it to tell a torn tail (invalid bytes at or after it: an append that
 * was never acknowledged) from corruption (invalid bytes before it: acknowledged data damaged).
 *
 * <p>It is not fsynced on every update: after a process crash the page cache still holds it; after
 * a power loss it may be older than the log, which only makes recovery more lenient about the
 * newest records. {@link #force()} makes it durable (on close).
 *
 * <p>Written by the writer thread only; read at start.
 */
public final class Checkpoint implements AutoCloseable {

    private final FileChannel channel;
    private final MappedByteBuffer map;

    private Checkpoint(FileChannel channel, MappedByteBuffer map) {
        this.channel = channel;
        this.map = map;
    }

    public static Checkpoint open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8);
        map.order(ByteOrder.LITTLE_ENDIAN);
        return new Checkpoint(channel, map);
    }

    public long read() {
        return map.getLong(0);
    }

    public void write(long position) {
        map.putLong(0, position);
    }

    public void force() {
        map.force();
    }

    @Override
    public void close() throws IOException {
        force();
        channel.close();
    }
}
