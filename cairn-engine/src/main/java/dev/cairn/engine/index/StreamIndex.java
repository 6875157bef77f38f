package dev.cairn.engine.index;

import dev.cairn.api.CairnException;
import dev.cairn.api.CorruptedStoreException;
import dev.cairn.api.ErrorCode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The stream index in RocksDB: stream name to {@link StreamInfo}, and (stream id, revision) to log
 * position.
 *
 * <p>Column families, all keys big-endian so that a stream's revisions are one ordered range:
 * <pre>
 *   default  "checkpoint" -> int64 log position covered, "next-stream-id" -> int64
 *   streams  UTF-8 name   -> int64 id, int64 last revision, int8 flags (1 = tombstoned)
 *   events   int64 stream id, int64 first revision -> a run of 1..{@value #MAX_RUN} events at
 *            consecutive revisions: int8 2, the int64 position of the first, then each next
 *            one's distance from the one before as an unsigned varint64
 *            (written before 2026-11-25: int8 1, then each event's int64 position;
 *            before 2026-11-24: int64 position, 16 bytes event id; one event)
 * </pre>
 * A run holds the events one group wrote to one stream at consecutive revisions: a 100-event
 * append is one key, not a hundred, which is what RocksDB's flushes and compactions pay for (see
 * docs/benchmarks.md, "Kept: one index key per run of events"). Its events sit a record or a few
 * apart in the log, so each after the first takes two bytes or so, not eight ("Kept: runs as
 * distances"). A run's value starts with its format's tag; an old entry starts with the high byte
 * of a position, zero below 2<sup>56</sup>, and is 24 bytes long, so the three never look alike.
 * Event ids are read from the log when needed ({@link IndexEntry#id()}).
 *
 * <p>Indexes written before 2026-11-24 also have an {@code ids} family (event id to its writes); it
 * is dropped at open. Idempotency asks the window of recent ids ({@link RecentIds}) instead.
 *
 * <p>RocksDB's write-ahead log is off: the event log is the source of truth. Every batch carries the
 * log position it covers; column families flush atomically, so after a crash the index is a
 * consistent prefix of the log and recovery replays only the tail after its checkpoint.
 *
 * <p>Thread-safe. Only the writer (and recovery) calls {@link #apply}.
 */
public final class StreamIndex implements AutoCloseable {

    static {
        RocksDbLibrary.load();
    }

    private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte[] CHECKPOINT = "checkpoint".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT_STREAM_ID = "next-stream-id".getBytes(StandardCharsets.US_ASCII);
    /** The family of event ids that stores before 2026-11-24 kept; dropped at open. */
    private static final byte[] LEGACY_IDS = "ids".getBytes(StandardCharsets.US_ASCII);

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final ColumnFamilyOptions eventsOptions;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle streams;
    private final ColumnFamilyHandle events;
    private final WriteOptions writeOptions;

    private StreamIndex(RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
            ColumnFamilyOptions eventsOptions, List<ColumnFamilyHandle> handles) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.eventsOptions = eventsOptions;
        this.handles = handles;
        this.meta = handles.get(0);
        this.streams = handles.get(1);
        this.events = handles.get(2);
        this.writeOptions = new WriteOptions().setDisableWAL(true);
    }

    /** Opens (or creates) the index in {@code dir}. */
    public static StreamIndex open(Path dir) {
        try {
            Files.createDirectories(dir);
            DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                    .setAtomicFlush(true).setMaxBackgroundJobs(2).setKeepLogFileNum(2);
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10, false))
                    .setBlockSize(16 * 1024);
            // A flush (every 50,000 events) makes an L0 file spanning every stream, so each L0 to
            // base-level compaction rewrites the whole base level. RocksDB lets that level grow to
            // 256 MiB before adding one above it: a store of a few million events rewrote ~5 M
            // entries per 200,000 new ones. At 32 MiB, compaction's CPU halved at gRPC 8 x 100 (see
            // docs/benchmarks.md, "Kept: a 32 MiB base level for the index").
            ColumnFamilyOptions cf = new ColumnFamilyOptions().setTableFormatConfig(table)
                    .setWriteBufferSize(32L << 20).setMaxWriteBufferNumber(3).setMaxBytesForLevelBase(32L << 20);
            // Event entries are positions and random UUIDs, which compress badly: Snappy on them
            // cost RocksDB's flush and compaction threads about 12% of their CPU (see
            // docs/benchmarks.md, "Kept: no compression for event entries and ids").
            ColumnFamilyOptions events = new ColumnFamilyOptions(cf).setCompressionType(CompressionType.NO_COMPRESSION);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf),
                    new ColumnFamilyDescriptor("streams".getBytes(StandardCharsets.US_ASCII), cf),
                    new ColumnFamilyDescriptor("events".getBytes(StandardCharsets.US_ASCII), events)));
            // RocksDB opens a database only with all its column families named
            boolean legacyIds = hasFamily(dir, LEGACY_IDS);
            if (legacyIds) {
                descriptors.add(new ColumnFamilyDescriptor(LEGACY_IDS, events));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            if (legacyIds) {
                ColumnFamilyHandle ids = handles.remove(3);
                db.dropColumnFamily(ids);
                ids.close();
            }
            return new StreamIndex(db, dbOptions, cf, events, handles);
        } catch (RocksDBException | java.io.IOException e) {
            throw new CairnException(ErrorCode.STORAGE_FAILURE, "cannot open the index in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasFamily(Path dir, byte[] name) throws RocksDBException {
        if (!Files.exists(dir.resolve("CURRENT"))) {
            return false;
        }
        try (org.rocksdb.Options options = new org.rocksdb.Options()) {
            return RocksDB.listColumnFamilies(options, dir.toString()).stream().anyMatch(f -> Arrays.equals(f, name));
        }
    }

    /** The log position up to which this index is complete. */
    public long checkpoint() {
        return getLong(meta, CHECKPOINT, 0);
    }

    /** The id the next new stream gets. */
    public long nextStreamId() {
        return getLong(meta, NEXT_STREAM_ID, 0);
    }

    private long getLong(ColumnFamilyHandle cf, byte[] key, long absent) {
        byte[] v = get(cf, key);
        return v == null ? absent : ByteBuffer.wrap(v).getLong();
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    /** The stream's state, or null when it was never written. */
    public StreamInfo stream(String name) {
        byte[] v = get(streams, name.getBytes(StandardCharsets.UTF_8));
        if (v == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new StreamInfo(b.getLong(), b.getLong(), (b.get() & 1) != 0);
    }

    /** Most events in one run; a longer run of a stream in one group is written as several. */
    public static final int MAX_RUN = 1024;

    /** The tag of a run of distances (see the class note). */
    private static final byte DELTA_RUN = 2;
    /** The tag of a run of int64 positions, as indexes before 2026-11-25 wrote them. */
    private static final byte RUN = 1;
    private static final int LEGACY_ENTRY_BYTES = 24;

    /** The entry at {@code revision} of stream {@code streamId}, or null. */
    public IndexEntry entry(long streamId, long revision) {
        byte[] v = get(events, eventKey(streamId, revision));
        if (v != null) { // the first event of a run (or an old single entry)
            return entry(revision, v, 0);
        }
        try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(events, ro)) {
            it.seekForPrev(eventKey(streamId, revision));
            if (!it.isValid()) {
                return null;
            }
            ByteBuffer k = ByteBuffer.wrap(it.key());
            long first = k.getLong(8);
            if (k.getLong(0) != streamId) {
                return null;
            }
            byte[] run = it.value();
            return revision - first < runLength(run) ? entry(revision, run, (int) (revision - first)) : null;
        }
    }

    /**
     * Up to {@code max} entries of a stream from {@code from} (inclusive) towards {@code to}
     * (inclusive), ascending when {@code forwards}, else descending ({@code from >= to}).
     */
    public List<IndexEntry> entries(long streamId, long from, long to, int max, boolean forwards) {
        List<IndexEntry> out = new ArrayList<>(Math.min(max, 256));
        try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(events, ro)) {
            if (forwards && from == 0) {
                // no run starts before revision 0, so the stream's first run is the first key at or
                // after it: one forward seek, where seekForPrev and the first next() would each
                // position every level of the tree
                it.seek(eventKey(streamId, 0));
            } else {
                it.seekForPrev(eventKey(streamId, from)); // the run holding `from` starts at or before it
                if (forwards && !(it.isValid() && ByteBuffer.wrap(it.key()).getLong(0) == streamId)) {
                    it.seek(eventKey(streamId, from));
                }
            }
            while (it.isValid() && out.size() < max) {
                ByteBuffer k = ByteBuffer.wrap(it.key());
                if (k.getLong(0) != streamId) {
                    break;
                }
                long first = k.getLong(8);
                byte[] run = it.value();
                long[] positions = positions(run);
                UUID id = legacyId(run);
                if (forwards) {
                    for (int i = (int) Math.max(0, Math.min(positions.length, from - first));
                            i < positions.length && out.size() < max; i++) {
                        if (first + i > to) {
                            return out;
                        }
                        out.add(new IndexEntry(first + i, positions[i], id));
                    }
                    it.next();
                } else {
                    for (int i = (int) Math.min(positions.length - 1, from - first); i >= 0 && out.size() < max; i--) {
                        if (first + i < to) {
                            return out;
                        }
                        out.add(new IndexEntry(first + i, positions[i], id));
                    }
                    it.prev();
                }
            }
        }
        return out;
    }

    /** How many events the index holds (for checks; walks the whole index). */
    public long countEntries() {
        long n = 0;
        try (RocksIterator it = db.newIterator(events)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n += runLength(it.value());
            }
        }
        return n;
    }

    private static int runLength(byte[] value) {
        return switch (value[0]) {
            case DELTA_RUN -> {
                // one varint ends in each byte without the continuation bit
                int n = 1;
                for (int i = 1 + Long.BYTES; i < value.length; i++) {
                    if (value[i] >= 0) {
                        n++;
                    }
                }
                yield n;
            }
            case RUN -> (value.length - 1) / Long.BYTES;
            default -> {
                checkLegacy(value);
                yield 1; // an old single entry
            }
        };
    }

    private static void checkLegacy(byte[] value) {
        if (value.length != LEGACY_ENTRY_BYTES) {
            throw new CorruptedStoreException("an index entry of " + value.length + " bytes starts with "
                    + value[0] + ", the tag of no format");
        }
    }

    /** The id an old single entry holds; null for a run, whose ids are in the log. */
    private static UUID legacyId(byte[] value) {
        if (value[0] == DELTA_RUN || value[0] == RUN) {
            return null;
        }
        checkLegacy(value);
        ByteBuffer b = ByteBuffer.wrap(value);
        return new UUID(b.getLong(8), b.getLong(16));
    }

    /** The positions of a run's events, or of an old single entry's one event. */
    private static long[] positions(byte[] value) {
        return positions(value, runLength(value));
    }

    /** The positions of the first {@code n} events of a run (1 for an old single entry). */
    private static long[] positions(byte[] value, int n) {
        long[] out = new long[n];
        switch (value[0]) {
            case DELTA_RUN -> {
                long position = (long) BIG_LONG.get(value, 1);
                out[0] = position;
                int at = 1 + Long.BYTES;
                for (int i = 1; i < out.length; i++) {
                    long delta = 0;
                    int shift = 0;
                    byte b;
                    do {
                        b = value[at++];
                        delta |= (long) (b & 0x7F) << shift;
                        shift += 7;
                    } while (b < 0);
                    position += delta;
                    out[i] = position;
                }
            }
            case RUN -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (long) BIG_LONG.get(value, 1 + i * Long.BYTES);
                }
            }
            default -> out[0] = (long) BIG_LONG.get(value, 0);
        }
        return out;
    }

    /** The entry for the {@code i}th event of a run (or of an old single entry, {@code i} 0). */
    private static IndexEntry entry(long revision, byte[] value, int i) {
        return new IndexEntry(revision, positions(value, i + 1)[i], legacyId(value));
    }

    static byte[] eventKey(long streamId, long revision) {
        return ByteBuffer.allocate(16).putLong(streamId).putLong(revision).array();
    }

    private static boolean increasing(long[] positions, int count) {
        for (int i = 1; i < count; i++) {
            if (positions[i] <= positions[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Starts a batch of index changes. */
    public Batch batch() {
        return new Batch(0, 0);
    }

    /** Starts a batch of index changes sized for about {@code runs} runs of {@code events} events in all. */
    public Batch batch(int runs, int events) {
        return new Batch(runs, events);
    }

    /** Applies a batch atomically (not durably: see the class note). */
    public void apply(Batch batch) {
        try (WriteBatch wb = new WriteBatch(batch.bytes.toByteArray())) {
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** Flushes memtables to disk so a restart replays less of the log. */
    public void flush(boolean wait) {
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(wait)) {
            db.flush(fo, handles);
        } catch (RocksDBException e) {
            throw failure("flush", e);
        }
    }

    private static CairnException failure(String what, RocksDBException e) {
        return new CairnException(ErrorCode.STORAGE_FAILURE, "index " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        writeOptions.close();
        dbOptions.close();
        cfOptions.close();
        eventsOptions.close();
    }

    /** Index changes applied together. Not thread-safe. */
    public final class Batch {
        private final BatchBytes bytes;

        private Batch(int runs, int events) {
            // a run is a record of about 22 bytes and 8 per event; each run's stream may have
            // changed too, a record of its name and 17 bytes
            bytes = new BatchBytes(runs * 88 + events * 8 + 256);
        }

        public Batch putStream(String name, StreamInfo info) {
            bytes.put(streams.getID()).bytes(name.getBytes(StandardCharsets.UTF_8));
            byte[] v = ByteBuffer.allocate(17).putLong(info.id()).putLong(info.lastRevision())
                    .put((byte) (info.tombstoned() ? 1 : 0)).array();
            bytes.bytes(v);
            return this;
        }

        /**
         * Indexes a run: the events at revisions {@code firstRevision} onwards of stream
         * {@code streamId} are at {@code positions[0..count)}. The revisions must not be in another
         * run, and {@code count} is 1 to {@link #MAX_RUN}.
         */
        public Batch putRun(long streamId, long firstRevision, long[] positions, int count) {
            if (count < 1 || count > MAX_RUN) {
                throw new IllegalArgumentException("a run has 1 to " + MAX_RUN + " events, not " + count);
            }
            bytes.put(events.getID()).longs(streamId, firstRevision);
            if (increasing(positions, count)) {
                bytes.taggedDeltas(DELTA_RUN, positions, count);
            } else {
                bytes.taggedLongs(RUN, positions, count); // not from the log's writer, which only goes forwards
            }
            return this;
        }

        /** Indexes a run in the format of indexes written before 2026-11-25 (tests of old stores). */
        Batch putLongRun(long streamId, long firstRevision, long[] positions, int count) {
            bytes.put(events.getID()).longs(streamId, firstRevision).taggedLongs(RUN, positions, count);
            return this;
        }

        /** Indexes an event in the format of indexes written before 2026-11-24 (tests of old stores). */
        Batch putLegacyEntry(long streamId, long revision, long position, UUID id) {
            bytes.put(events.getID()).longs(streamId, revision)
                    .longs(position, id.getMostSignificantBits(), id.getLeastSignificantBits());
            return this;
        }

        public Batch checkpoint(long position, long nextStreamId) {
            bytes.put(meta.getID()).bytes(CHECKPOINT).longs(position);
            bytes.put(meta.getID()).bytes(NEXT_STREAM_ID).longs(nextStreamId);
            return this;
        }
    }
}
