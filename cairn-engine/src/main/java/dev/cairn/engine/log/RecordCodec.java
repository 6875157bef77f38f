package dev.cairn.engine.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes log records. Stateless and thread-safe.
 *
 * <p>Every record, little-endian:
 * <pre>
 *   int32  length      whole record in bytes, these 4 and the trailer included; never 0
 *   int32  crc32c      CRC32C of the bytes from kind up to (excluding) the trailer
 *   int8   kind        1 = event, 2 = commit
 *   ...    body
 *   int32  length      again, so the log can be read backwards
 * </pre>
 * Event body: {@code int8 flags (bit 0: JSON), int64 revision, int64 created (µs since epoch),
 * int64 id-msb, int64 id-lsb, uint16 stream length + UTF-8 stream, uint16 type length + UTF-8 type,
 * int32 data length + data, int32 metadata length + metadata}.
 * Commit body: {@code int64 batch start position, int32 event count}.
 *
 * <p>Zero bytes where a length is expected mean "nothing written here": segments are zero-filled
 * before use.
 */
public final class RecordCodec {

    public static final byte KIND_EVENT = 1;
    public static final byte KIND_COMMIT = 2;

    /** Length, CRC, kind and trailer. */
    static final int FRAME = 4 + 4 + 1 + 4;
    static final int EVENT_FIXED = 1 + 8 + 8 + 8 + 8 + 2 + 2 + 4 + 4;
    /** Size of a commit record. */
    public static final int COMMIT_SIZE = FRAME + 8 + 4;
    public static final int MAX_NAME_BYTES = 0xFFFF;

    private static final byte[] EMPTY = new byte[0];

    private RecordCodec() {
    }

    /** Encoded size of an event record. */
    public static int eventSize(byte[] stream, byte[] type, int dataLength, int metadataLength) {
        return FRAME + EVENT_FIXED + stream.length + type.length + dataLength + metadataLength;
    }

    /** Writes an event record at the buffer's position (which must be little-endian) and advances it. */
    public static void writeEvent(ByteBuffer buf, byte[] stream, long revision, UUID id, byte[] type, boolean json,
            long createdMicros, byte[] data, byte[] metadata) {
        int size = eventSize(stream, type, data.length, metadata.length);
        int start = buf.position();
        buf.putInt(size).putInt(0).put(KIND_EVENT);
        buf.put((byte) (json ? 1 : 0)).putLong(revision).putLong(createdMicros)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        buf.putShort((short) stream.length).put(stream);
        buf.putShort((short) type.length).put(type);
        buf.putInt(data.length).put(data);
        buf.putInt(metadata.length).put(metadata);
        finish(buf, start, size);
    }

    /** Writes a commit record at the buffer's position and advances it. */
    public static void writeCommit(ByteBuffer buf, long batchStart, int eventCount) {
        int start = buf.position();
        buf.putInt(COMMIT_SIZE).putInt(0).put(KIND_COMMIT).putLong(batchStart).putInt(eventCount);
        finish(buf, start, COMMIT_SIZE);
    }

    private static void finish(ByteBuffer buf, int start, int size) {
        buf.putInt(size);
        buf.putInt(start + 4, crc(buf, start + 8, size - FRAME + 1));
    }

    static int crc(ByteBuffer buf, int from, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer slice = buf.duplicate();
        slice.limit(from + length).position(from);
        crc.update(slice);
        return (int) crc.getValue();
    }

    /**
     * Checks the frame of the record at {@code offset} of {@code buf} (absolute, little-endian):
     * sane length within {@code limit}, matching trailer, matching CRC.
     *
     * @return the record's length, 0 when the bytes there are zero (nothing written), or -1 when
     *     the record is invalid (torn or corrupt)
     */
    public static int validate(ByteBuffer buf, int offset, int limit) {
        if (offset + 4 > limit) {
            return offset == limit ? 0 : -1;
        }
        int length = buf.getInt(offset);
        if (length == 0) {
            return 0;
        }
        if (length < COMMIT_SIZE || length > limit - offset) {
            return -1;
        }
        if (buf.getInt(offset + length - 4) != length) {
            return -1;
        }
        byte kind = buf.get(offset + 8);
        if (kind != KIND_EVENT && kind != KIND_COMMIT) {
            return -1;
        }
        if (crc(buf, offset + 8, length - FRAME + 1) != buf.getInt(offset + 4)) {
            return -1;
        }
        return length;
    }

    /**
     * Decodes a record already {@linkplain #validate validated} at {@code offset}.
     *
     * @param position the record's global log position
     */
    public static LogRecord decode(ByteBuffer buf, int offset, long position) {
        return decode(buf, offset, position, true);
    }

    /**
     * Decodes a validated record; without {@code payload}, an event's data and metadata come back
     * empty (recovery and checks need only the header fields, and copying payloads dominated them).
     */
    public static LogRecord decode(ByteBuffer buf, int offset, long position, boolean payload) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt(offset);
        byte kind = b.get(offset + 8);
        b.position(offset + 9);
        if (kind == KIND_COMMIT) {
            return new LogRecord.Commit(position, length, b.getLong(), b.getInt());
        }
        boolean json = (b.get() & 1) != 0;
        long revision = b.getLong();
        long created = b.getLong();
        UUID id = new UUID(b.getLong(), b.getLong());
        String stream = string(b, Short.toUnsignedInt(b.getShort()));
        String type = string(b, Short.toUnsignedInt(b.getShort()));
        if (!payload) {
            return new LogRecord.Event(position, length, stream, revision, id, type, json, created, EMPTY, EMPTY);
        }
        byte[] data = bytes(b, b.getInt());
        byte[] metadata = bytes(b, b.getInt());
        return new LogRecord.Event(position, length, stream, revision, id, type, json, created, data, metadata);
    }

    private static String string(ByteBuffer b, int length) {
        byte[] bytes = bytes(b, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b, int length) {
        byte[] bytes = new byte[length];
        b.get(bytes);
        return bytes;
    }
}
