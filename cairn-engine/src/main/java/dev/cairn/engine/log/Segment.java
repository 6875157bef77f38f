package dev.cairn.engine.log;

import dev.cairn.api.CorruptedStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * One fixed-size segment file of the log, mapped for reading.
 *
 * <p>File {@code NNNNNNNN.seg} (the segment's index, zero-padded) holds global log positions
 * {@code [index * size, (index + 1) * size)}. Layout, little-endian:
 * <pre>
 *   0   8 bytes  magic "CAIRNLOG"
 *   8   int32    format version (1)
 *   12  int32    header size (64)
 *   16  int64    segment size in bytes
 *   24  int64    segment index
 *   32  int32    CRC32C of bytes 0..31
 *   36  zeros up to 64
 *   64  records ({@link RecordCodec}), then zeros
 * </pre>
 * The whole file is written with zeros when it is created, so appending overwrites existing
 * blocks and an fdatasync has no file-size metadata to flush.
 *
 * <p>Thread-safe: reads use absolute accessors on the shared read-only mapping; only the writer
 * thread writes, through the channel.
 */
public final class Segment implements AutoCloseable {

    public static final int HEADER_SIZE = 64;
    public static final int VERSION = 1;
    static final byte[] MAGIC = "CAIRNLOG".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final long index;
    private final long size;
    private final FileChannel channel;
    private final MappedByteBuffer map;

    private Segment(Path path, long index, long size, FileChannel channel, MappedByteBuffer map) {
        this.path = path;
        this.index = index;
        this.size = size;
        this.channel = channel;
        this.map = map;
    }

    /** The file name of segment {@code index}. */
    public static String fileName(long index) {
        return String.format("%08d.seg", index);
    }

    /** Whether {@code name} is a segment's file name ({@link #fileName}), not a temporary or other file. */
    static boolean isFileName(String name) {
        return name.length() == 12 && name.endsWith(".seg") && name.chars().limit(8).allMatch(Character::isDigit);
    }

    /** Opens an existing segment file, verifying its header. */
    public static Segment open(Path path, long index, long expectedSize, ChannelFactory channels) throws IOException {
        FileChannel channel = channels.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            long fileSize = channel.size();
            if (fileSize < HEADER_SIZE) {
                throw new CorruptedStoreException("segment " + path + " is " + fileSize + " bytes, shorter than its header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            header.flip();
            checkHeader(path, header, index, expectedSize > 0 ? expectedSize : header.getLong(16));
            long size = header.getLong(16);
            if (fileSize != size) {
                throw new CorruptedStoreException("segment " + path + " is " + fileSize
                        + " bytes but its header says " + size);
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            return new Segment(path, index, size, channel, map);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads only the segment size from a segment file's header. */
    public static long readSize(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(header, 0);
            header.flip();
            if (header.remaining() < HEADER_SIZE) {
                throw new CorruptedStoreException("segment " + path + " is " + ch.size() + " bytes, shorter than its header");
            }
            return header.getLong(16);
        }
    }

    private static void checkHeader(Path path, ByteBuffer header, long index, long expectedSize) {
        byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptedStoreException("segment " + path + " is not a Cairn log segment (bad magic)");
        }
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().position(0).limit(32));
        if ((int) crc.getValue() != header.getInt(32)) {
            throw new CorruptedStoreException("segment " + path + " has a corrupt header (CRC mismatch)");
        }
        int version = header.getInt(8);
        if (version != VERSION) {
            throw new CorruptedStoreException("segment " + path + " has format version " + version
                    + "; this Cairn reads version " + VERSION);
        }
        if (header.getLong(24) != index) {
            throw new CorruptedStoreException("segment " + path + " says it is segment " + header.getLong(24)
                    + ", expected " + index);
        }
        if (header.getLong(16) != expectedSize) {
            throw new CorruptedStoreException("segment " + path + " has size " + header.getLong(16)
                    + ", expected " + expectedSize);
        }
    }

    /** The header bytes of segment {@code index}. */
    static ByteBuffer header(long index, long size) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(HEADER_SIZE).putLong(size).putLong(index);
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().flip());
        header.putInt(32, (int) crc.getValue());
        header.position(0).limit(HEADER_SIZE);
        return header;
    }

    public Path path() {
        return path;
    }

    public long index() {
        return index;
    }

    public long size() {
        return size;
    }

    /** The global position of this segment's first byte. */
    public long basePosition() {
        return index * size;
    }

    /** The read-only mapping of the whole file (little-endian); use absolute reads only. */
    public ByteBuffer buffer() {
        return map;
    }

    FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
