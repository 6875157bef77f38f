package dev.cairn.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * {@link BatchBytes} writes RocksDB's serialized batch format by hand; these tests hold it to the
 * bytes RocksDB's own API produces, so that a RocksDB upgrade changing the format fails here.
 */
class BatchBytesTest {

    @TempDir
    Path dir;
    private DBOptions options;
    private RocksDB db;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();

    @BeforeEach
    void open() throws RocksDBException {
        options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (int i = 1; i <= 3; i++) {
            families.add(new ColumnFamilyDescriptor(("cf" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        db = RocksDB.open(options, dir.toString(), families, handles);
    }

    @AfterEach
    void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
    }

    @Test
    void anEmptyBatchIsRocksDbsEmptyBatch() throws RocksDBException {
        try (WriteBatch expected = new WriteBatch()) {
            assertThat(new BatchBytes(0).toByteArray()).isEqualTo(expected.data());
        }
    }

    @Test
    void putsInEveryColumnFamilyAreRocksDbsOwnBytes() throws RocksDBException {
        Random random = new Random(7);
        BatchBytes ours = new BatchBytes(16); // small, so that it has to grow
        try (WriteBatch expected = new WriteBatch()) {
            for (int i = 0; i < 2_000; i++) {
                ColumnFamilyHandle cf = handles.get(random.nextInt(handles.size()));
                boolean defaultFamily = cf.getID() == 0;
                BatchBytes record = ours.put(cf.getID());
                byte[] key;
                byte[] value;
                switch (random.nextInt(4)) {
                    case 0 -> {
                        long a = random.nextLong();
                        long b = random.nextLong();
                        record.longs(a, b);
                        key = ByteBuffer.allocate(16).putLong(a).putLong(b).array();
                    }
                    case 1 -> {
                        long a = random.nextLong();
                        record.longs(a);
                        key = ByteBuffer.allocate(8).putLong(a).array();
                    }
                    default -> {
                        // lengths past 127 and 16,383 take two and three varint bytes
                        key = new byte[random.nextInt(3) == 0 ? random.nextInt(20_000) : random.nextInt(200)];
                        random.nextBytes(key);
                        record.bytes(key);
                    }
                }
                int valueKind = random.nextInt(4);
                if (valueKind == 0) {
                    long a = random.nextLong();
                    long b = random.nextLong();
                    long c = random.nextLong();
                    record.longs(a, b, c);
                    value = ByteBuffer.allocate(24).putLong(a).putLong(b).putLong(c).array();
                } else if (valueKind == 1) {
                    // an index run: up to 1,024 longs, so lengths take one, two and three varint bytes
                    long[] longs = random.longs(1 + random.nextInt(1_100)).toArray();
                    int count = random.nextInt(longs.length + 1);
                    record.taggedLongs((byte) 1, longs, count);
                    ByteBuffer v = ByteBuffer.allocate(1 + count * 8).put((byte) 1);
                    for (int k = 0; k < count; k++) {
                        v.putLong(longs[k]);
                    }
                    value = v.array();
                } else if (valueKind == 2) {
                    // a run of distances: increasing values whose steps take one to eight varint bytes
                    long[] longs = new long[1 + random.nextInt(1_100)];
                    longs[0] = random.nextLong(Long.MAX_VALUE / 2);
                    for (int k = 1; k < longs.length; k++) {
                        longs[k] = longs[k - 1] + 1 + random.nextLong(1L << random.nextInt(1, 52));
                    }
                    int count = 1 + random.nextInt(longs.length);
                    record.taggedDeltas((byte) 2, longs, count);
                    value = deltas((byte) 2, longs, count);
                } else {
                    value = new byte[random.nextInt(300)];
                    random.nextBytes(value);
                    record.bytes(value);
                }
                if (defaultFamily) {
                    expected.put(key, value);
                } else {
                    expected.put(cf, key, value);
                }
            }
            assertThat(ours.count()).isEqualTo(expected.count()).isEqualTo(2_000);
            assertThat(ours.toByteArray()).isEqualTo(expected.data());
        }
    }

    /** A run of distances written the long way: each step as a {@link BigInteger}, seven bits a byte. */
    private static byte[] deltas(byte tag, long[] values, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        out.writeBytes(ByteBuffer.allocate(8).putLong(values[0]).array());
        BigInteger radix = BigInteger.valueOf(128);
        for (int k = 1; k < count; k++) {
            BigInteger step = BigInteger.valueOf(values[k]).subtract(BigInteger.valueOf(values[k - 1]));
            do {
                BigInteger[] qr = step.divideAndRemainder(radix);
                step = qr[0];
                out.write(qr[1].intValue() | (step.signum() > 0 ? 0x80 : 0));
            } while (step.signum() > 0);
        }
        return out.toByteArray();
    }

    @Test
    void aRunOfDistancesIsTheFirstValueThenEachStepAsAVarint() {
        // steps of 1, 127 and 300: one byte, one byte, and protobuf's own two-byte example (AC 02)
        BatchBytes ours = new BatchBytes(0);
        ours.put(0).longs(7).taggedDeltas((byte) 2, new long[] {1000, 1001, 1128, 1428, 99}, 4);
        byte[] batch = ours.toByteArray();
        byte[] value = Arrays.copyOfRange(batch, batch.length - 13, batch.length);
        assertThat(batch[batch.length - 14]).as("the value's length").isEqualTo((byte) 13);
        assertThat(value).containsExactly(2, 0, 0, 0, 0, 0, 0, 0x03, 0xE8 - 256, 0x01, 0x7F, 0xAC - 256, 0x02);
    }

    @Test
    void aBatchFromOurBytesIsAppliedByRocksDb() throws RocksDBException {
        BatchBytes ours = new BatchBytes(0);
        ours.put(0).bytes("k".getBytes(StandardCharsets.US_ASCII)).longs(42);
        ours.put(handles.get(2).getID()).longs(1, 2).longs(3, 4, 5);
        try (WriteBatch batch = new WriteBatch(ours.toByteArray()); org.rocksdb.WriteOptions wo = new org.rocksdb.WriteOptions()) {
            db.write(wo, batch);
        }
        assertThat(db.get("k".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ByteBuffer.allocate(8).putLong(42).array());
        assertThat(db.get(handles.get(2), ByteBuffer.allocate(16).putLong(1).putLong(2).array()))
                .isEqualTo(ByteBuffer.allocate(24).putLong(3).putLong(4).putLong(5).array());
    }
}
