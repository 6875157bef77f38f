package dev.cairn.engine.crash;

import static dev.cairn.engine.crash.LogFixture.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CorruptedStoreException;
import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.log.RecordCodec;
import dev.cairn.engine.log.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped bit in acknowledged data (before the durable checkpoint) is corruption, never a torn
 * tail to discard: {@code cairn check} reports it naming the segment file and the offset of the
 * damaged record; a store whose index is gone (so recovery must scan the whole log) refuses to open
 * with the same precision; a store whose index is intact opens but never returns the damaged record.
 */
class FlippedByteTest {

    private static final int BATCHES = 120;
    private static final int CASES = 24;

    @TempDir
    static Path shared;

    private static Path base;
    private static List<LogFixture.Batch> written;
    private static long seed;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeBase() {
        seed = Long.getLong("cairn.flip.seed", System.nanoTime());
        System.out.println("FlippedByteTest seed " + seed);
        base = shared.resolve("base");
        try (EventStore store = Cairn.open(LogFixture.options(base))) {
            written = LogFixture.writeBatches(store, new Random(seed), BATCHES);
        }
    }

    /** Where a record starts and how long it is. */
    private record Extent(long start, int size) {
    }

    @Test
    void aFlippedBitIsReportedWithItsSegmentAndOffset() throws IOException {
        Random random = new Random(seed);
        for (int c = 0; c < CASES; c++) {
            // any batch but the last few: the damage is mid-log, well before the durable end
            LogFixture.Batch batch = written.get(random.nextInt(written.size() - 5));
            int r = random.nextInt(batch.ids().size() + 1);
            Extent record = r < batch.ids().size() ? new Extent(batch.positions().get(r), batch.sizes().get(r))
                    : new Extent(batch.commitPosition(), RecordCodec.COMMIT_SIZE);
            long at = record.start() + random.nextInt(record.size());
            int bit = random.nextInt(8);
            String file = Segment.fileName(record.start() / SEGMENT_SIZE);
            String offset = "at offset " + (record.start() % SEGMENT_SIZE) + ":";
            String what = "bit " + bit + " of position " + at + " in the record at " + record.start() + " (" + file + " "
                    + offset + " seed " + seed + ")";

            Path dir = tmp.resolve("case-" + c);
            LogFixture.copyTree(base, dir);
            LogFixture.flip(dir, at, bit);

            CheckReport report = StoreChecker.check(dir);
            assertThat(report.faults()).as("cairn check, %s", what)
                    .anySatisfy(f -> assertThat(f).contains(file).contains(offset));

            try (EventStore store = Cairn.open(LogFixture.options(dir))) {
                assertThatThrownBy(() -> LogFixture.readAll(store)).as("reading $all, %s", what)
                        .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining(offset);
            } catch (CorruptedStoreException e) {
                // the damaged record may be the one the index's checkpoint is checked against
                assertThat(e.getMessage()).as("open, %s", what).contains(file).contains(offset);
            }

            LogFixture.deleteTree(dir.resolve("index"));
            assertThatThrownBy(() -> Cairn.open(LogFixture.options(dir)).close()).as("open without an index, %s", what)
                    .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining(offset);
            LogFixture.deleteTree(dir);
        }
    }

    /**
     * A segment's seal (bytes 40-51 of its header: the data end and its CRC32C, outside the header's
     * own CRC) tells readers where its records stop. A damaged seal must not make the log look as
     * if it ended there, silently dropping every later segment.
     */
    @Test
    void aFlippedBitInASealIsReportedNotTakenAsTheEndOfTheLog() throws IOException {
        Random random = new Random(seed + 1);
        long sealed = written.getLast().end() / SEGMENT_SIZE;
        for (int c = 0; c < 8; c++) {
            long index = random.nextLong(sealed);
            String file = Segment.fileName(index);
            Path dir = tmp.resolve("seal-" + c);
            LogFixture.copyTree(base, dir);
            long sealEnd;
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(LogFixture.segment(dir, index))) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.read(b, SEAL_OFFSET);
                sealEnd = b.getLong(0);
            }
            assertThat(sealEnd).as("seal of %s", file).isBetween((long) Segment.HEADER_SIZE, (long) SEGMENT_SIZE);
            int at = SEAL_OFFSET + random.nextInt(12);
            LogFixture.flip(dir, index * SEGMENT_SIZE + at, random.nextInt(8));
            String offset = "at offset " + sealEnd + ":";
            String what = "seal byte " + at + " of " + file + " (seed " + seed + ")";

            assertThat(StoreChecker.check(dir).faults()).as("cairn check, %s", what)
                    .anySatisfy(f -> assertThat(f).contains(file).contains(offset));
            try (EventStore store = Cairn.open(LogFixture.options(dir))) {
                assertThatThrownBy(() -> LogFixture.readAll(store)).as("reading $all, %s", what)
                        .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining(offset);
            }
            LogFixture.deleteTree(dir.resolve("index"));
            assertThatThrownBy(() -> Cairn.open(LogFixture.options(dir)).close()).as("open without an index, %s", what)
                    .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining(offset);
            LogFixture.deleteTree(dir);
        }
    }

    /** Where a segment's header keeps its seal (see {@code Log}). */
    private static final int SEAL_OFFSET = 40;
}
