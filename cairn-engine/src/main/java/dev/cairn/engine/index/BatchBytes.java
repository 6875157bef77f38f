package dev.cairn.engine.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A RocksDB write batch built as bytes, in RocksDB's own serialized format, and handed to RocksDB
 * whole ({@code new WriteBatch(byte[])}): one call into native code per batch instead of one per
 * key, and no array per key. The format is RocksDB's stable {@code WriteBatch::rep_} (it is what
 * the write-ahead log stores):
 * <pre>
 *   sequence  fixed64, little-endian (RocksDB assigns it on write; zero here)
 *   count     fixed32, little-endian
 *   records   kTypeValue (1)                                   key value   (default column family)
 *             kTypeColumnFamilyValue (5)  varint32 column family id, key value
 *   key, value: varint32 length, then the bytes
 * </pre>
 * {@code BatchBytesTest} checks the bytes against a batch built through RocksDB's own API, so a
 * RocksDB upgrade that changed the format would fail the build rather than the index.
 *
 * <p>Not thread-safe.
 */
final class BatchBytes {

    private static final int HEADER = 12;
    private static final byte VALUE = 0x1;
    private static final byte CF_VALUE = 0x5;
    private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LITTLE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int size = HEADER;
    private int count;

    BatchBytes(int capacity) {
        buf = new byte[Math.max(capacity, 64)];
    }

    /** Starts a put into column family {@code cf} (0 is the default one); key and value follow. */
    BatchBytes put(int cf) {
        ensure(1 + 5);
        if (cf == 0) {
            buf[size++] = VALUE;
        } else {
            buf[size++] = CF_VALUE;
            varint(cf);
        }
        count++;
        return this;
    }

    /** A key or value of the given bytes. */
    BatchBytes bytes(byte[] b) {
        ensure(5 + b.length);
        varint(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** A key or value of two big-endian int64s. */
    BatchBytes longs(long a, long b) {
        ensure(1 + 16);
        buf[size++] = 16;
        BIG_LONG.set(buf, size, a);
        BIG_LONG.set(buf, size + 8, b);
        size += 16;
        return this;
    }

    /** A key or value of three big-endian int64s. */
    BatchBytes longs(long a, long b, long c) {
        ensure(1 + 24);
        buf[size++] = 24;
        BIG_LONG.set(buf, size, a);
        BIG_LONG.set(buf, size + 8, b);
        BIG_LONG.set(buf, size + 16, c);
        size += 24;
        return this;
    }

    /** A value of one tag byte, then the first {@code count} of {@code values} as big-endian int64s. */
    BatchBytes taggedLongs(byte tag, long[] values, int count) {
        int length = 1 + count * Long.BYTES;
        ensure(5 + length);
        varint(length);
        buf[size++] = tag;
        for (int i = 0; i < count; i++) {
            BIG_LONG.set(buf, size, values[i]);
            size += Long.BYTES;
        }
        return this;
    }

    /**
     * A value of one tag byte, the first of {@code values} as a big-endian int64, then each next
     * one's difference from the one before as an unsigned varint64 (seven bits a byte, low first,
     * as protobuf's). The first {@code count} values must be strictly increasing.
     */
    BatchBytes taggedDeltas(byte tag, long[] values, int count) {
        int length = 1 + Long.BYTES;
        for (int i = 1; i < count; i++) {
            length += varintSize(values[i] - values[i - 1]);
        }
        ensure(5 + length);
        varint(length);
        buf[size++] = tag;
        BIG_LONG.set(buf, size, values[0]);
        size += Long.BYTES;
        for (int i = 1; i < count; i++) {
            long v = values[i] - values[i - 1];
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }
        return this;
    }

    private static int varintSize(long v) {
        return v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 6) / 7;
    }

    /** A key or value of one big-endian int64. */
    BatchBytes longs(long a) {
        ensure(1 + 8);
        buf[size++] = 8;
        BIG_LONG.set(buf, size, a);
        size += 8;
        return this;
    }

    int count() {
        return count;
    }

    /** The batch in RocksDB's format. */
    byte[] toByteArray() {
        LITTLE_INT.set(buf, 8, count);
        return Arrays.copyOf(buf, size);
    }

    private void varint(int v) {
        while ((v & ~0x7F) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
