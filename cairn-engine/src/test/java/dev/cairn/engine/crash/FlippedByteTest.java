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
}
