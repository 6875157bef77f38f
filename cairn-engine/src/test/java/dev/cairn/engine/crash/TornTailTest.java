package dev.cairn.engine.crash;

import static dev.cairn.engine.crash.LogFixture.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CorruptedStoreException;
import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.log.Segment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torn or corrupt tail after the durable checkpoint is an append that was never acknowledged:
 * the store must reopen at the last complete batch before it, show nothing after it, accept new
 * appends and keep them. Segments are pre-zeroed fixed-size files, so a torn write shows up as
 * zeros (or garbage) from some offset on, not as a shorter file; a shorter file is damage and must
 * give a clear error.
 *
 * <p>Each case copies one base store (about {@value #BATCHES} batches over several segments),
 * damages it from a random offset to the end of its data, and lowers the checkpoint to the start of
 * the first damaged batch (what the writer had acknowledged).
 */
class TornTailTest {

    private static final int BATCHES = 150;
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
        seed = Long.getLong("cairn.torn.seed", System.nanoTime());
        System.out.println("TornTailTest seed " + seed);
        base = shared.resolve("base");
        try (EventStore store = Cairn.open(LogFixture.options(base))) {
            written = LogFixture.writeBatches(store, new Random(seed), BATCHES);
        }
        assertThat(written.getLast().end() / SEGMENT_SIZE).as("the base store spans several segments").isGreaterThanOrEqualTo(2);
    }

    @Test
    void zeroedTailRecoversToTheLastCompleteBatch() throws IOException {
        damageAndRecover(false);
    }

    @Test
    void garbageTailRecoversToTheLastCompleteBatch() throws IOException {
        damageAndRecover(true);
    }

    private void damageAndRecover(boolean garbage) throws IOException {
        Random random = new Random(seed + (garbage ? 1 : 0));
        long end = written.getLast().end();
        long lastSegmentBase = (end - 1) / SEGMENT_SIZE * SEGMENT_SIZE;
        for (int c = 0; c < CASES; c++) {
            long from = switch (c % 3) {
                // anywhere in the last segment's data
                case 0 -> lastSegmentBase + Segment.HEADER_SIZE + (long) random.nextInt((int) (end - lastSegmentBase
                        - Segment.HEADER_SIZE));
                // exactly at the start of a batch
                case 1 -> written.get(random.nextInt(written.size())).start();
                // anywhere in the log
                default -> Segment.HEADER_SIZE + (long) (random.nextDouble() * (end - Segment.HEADER_SIZE));
            };
            damageAndRecover(c, from, garbage ? new Random(random.nextLong()) : null);
        }
    }

    private void damageAndRecover(int c, long from, Random garbage) throws IOException {
        Path dir = tmp.resolve("case-" + c);
        LogFixture.copyTree(base, dir);
        int damaged = 0;
        while (written.get(damaged).end() <= from) {
            damaged++;
        }
        List<LogFixture.Batch> survivors = new ArrayList<>(written.subList(0, damaged));
        long acknowledged = damaged == 0 ? Segment.HEADER_SIZE : survivors.getLast().end();
        String what = (garbage == null ? "zeros" : "garbage") + " from position " + from + " (batch " + damaged
                + " of " + written.size() + "; seed " + seed + ")";
        LogFixture.overwrite(dir, from, written.getLast().end(), garbage);
        LogFixture.writeCheckpoint(dir, acknowledged);

        CheckReport before = StoreChecker.check(dir);
        assertThat(before.clean()).as("cairn check before recovery, %s: %s", what, before.faults()).isFalse();
        // zeros from a batch's start read as the log's end; anything else leaves a batch incomplete
        if (garbage != null || from != written.get(damaged).start()) {
            assertThat(before.tornTailAt()).as("torn tail found by cairn check, %s", what)
                    .isBetween(acknowledged, written.get(damaged).start());
            assertThat(before.tornTailNote()).as("cairn check before recovery, %s", what)
                    .contains("torn batch at position " + before.tornTailAt());
            // the torn tail is a note, not damage (the index this fixture leaves ahead of the
            // rewound checkpoint is a fault of its own)
            assertThat(before.faults()).as("cairn check before recovery, %s", what).noneMatch(f -> f.contains("torn"));
            assertThat(before.findings()).as("cairn check before recovery, %s", what)
                    .containsAll(before.faults()).contains(before.tornTailNote()).hasSize(before.faults().size() + 1);
        }

        List<LogFixture.Batch> expected = new ArrayList<>(survivors);
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            LogFixture.assertHolds(store, survivors);
            long head = store.headPosition().commit();
            // a store left with no events reports Position.START as its head
            assertThat(head).as("head after recovery, %s", what).isGreaterThanOrEqualTo(damaged == 0 ? 0 : acknowledged)
                    .isLessThanOrEqualTo(written.get(damaged).start());
            expected.addAll(LogFixture.writeBatches(store, new Random(from), 5));
            LogFixture.assertHolds(store, expected);
        }
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            LogFixture.assertHolds(store, expected);
        }
        CheckReport after = StoreChecker.check(dir);
        assertThat(after.findings()).as("cairn check after recovery, %s", what).isEmpty();
        assertThat(after.events()).isEqualTo(expected.stream().mapToLong(b -> b.ids().size()).sum());
        LogFixture.deleteTree(dir);
    }

    @Test
    void truncatedSegmentIsAClearErrorNamingIt() throws IOException {
        Random random = new Random(seed + 2);
        long segments;
        try (Stream<Path> files = Files.list(base.resolve("log"))) {
            segments = files.filter(p -> p.getFileName().toString().endsWith(".seg")).count();
        }
        long[] lengths = {0, 1, Segment.HEADER_SIZE - 1, Segment.HEADER_SIZE, 4096,
                random.nextInt(SEGMENT_SIZE), SEGMENT_SIZE - 1};
        for (int c = 0; c < lengths.length * 2; c++) {
            long index = c % 2 == 0 ? segments - 1 : random.nextLong(segments - 1);
            long length = lengths[c / 2];
            Path dir = tmp.resolve("truncated-" + c);
            LogFixture.copyTree(base, dir);
            Path file = LogFixture.segment(dir, index);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(length);
            }
            String what = "segment " + index + " of " + segments + " truncated to " + length + " bytes";
            assertThatThrownBy(() -> Cairn.open(LogFixture.options(dir)).close()).as(what)
                    .isInstanceOf(CorruptedStoreException.class)
                    .hasMessageContaining(file.getFileName().toString())
                    .hasMessageContaining(length + " bytes");
            CheckReport report = StoreChecker.check(dir);
            assertThat(report.faults()).as("cairn check, %s", what)
                    .anySatisfy(f -> assertThat(f).contains(file.getFileName().toString()).contains(length + " bytes"));
            LogFixture.deleteTree(dir);
        }
    }
}
