package dev.cairn.engine.crash;

import static dev.cairn.engine.crash.LogFixture.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CorruptedStoreException;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.log.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files gone from a data directory: the index is derived data and is rebuilt from the log; a log
 * segment is the data itself, so a missing one is a clear error naming it, never a silently
 * shorter log.
 */
class MissingFilesTest {

    @TempDir
    Path dir;

    private List<LogFixture.Batch> written;
    private long lastDataSegment;

    @BeforeEach
    void writeStore() {
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            written = LogFixture.writeBatches(store, new Random(7), 120);
        }
        lastDataSegment = (written.getLast().end() - 1) / SEGMENT_SIZE;
        assertThat(lastDataSegment).as("the store spans several segments").isGreaterThanOrEqualTo(2);
    }

    @Test
    void deletedIndexIsRebuiltFromTheLog() throws IOException {
        LogFixture.deleteTree(dir.resolve("index"));
        List<LogFixture.Batch> expected = new ArrayList<>(written);
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            LogFixture.assertHolds(store, written);
            // the rebuilt index knows each stream's last revision and the event ids already written
            for (int k = 0; k < LogFixture.STREAMS; k++) {
                String stream = LogFixture.stream(k);
                long last = LogFixture.lastRevision(store, stream);
                assertThatThrownBy(() -> store.append(StreamName.of(stream), StreamState.at(last - 1),
                        LogFixture.events(new Random(1), 1))).isInstanceOf(WrongExpectedVersionException.class);
            }
            expected.addAll(LogFixture.writeBatches(store, new Random(8), 10));
        }
        assertThat(dir.resolve("index")).isDirectory();
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            LogFixture.assertHolds(store, expected);
        }
        CheckReport report = StoreChecker.check(dir);
        assertThat(report.findings()).isEmpty();
        assertThat(report.indexEntries()).isEqualTo(expected.stream().mapToLong(b -> b.ids().size()).sum());
    }

    @Test
    void missingMiddleSegmentIsAClearErrorNamingIt() throws IOException {
        for (long index = 0; index < lastDataSegment; index++) {
            Path copy = dir.resolveSibling(dir.getFileName() + "-without-" + index);
            LogFixture.copyTree(dir, copy);
            String file = Segment.fileName(index);
            Files.delete(LogFixture.segment(copy, index));
            assertThatThrownBy(() -> Cairn.open(LogFixture.options(copy)).close()).as("open without %s", file)
                    .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining("missing");
            assertThat(StoreChecker.check(copy).faults()).as("cairn check without %s", file)
                    .anySatisfy(f -> assertThat(f).contains(file).contains("missing"));
            LogFixture.deleteTree(copy);
        }
    }

    @Test
    void missingEmptyLastSegmentIsHarmless() throws IOException {
        deleteSegmentsFrom(lastDataSegment + 1);
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            LogFixture.assertHolds(store, written);
        }
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
    }

    @Test
    void missingLastDataSegmentIsAnErrorNotASilentlyShorterLog() throws IOException {
        deleteSegmentsFrom(lastDataSegment);
        String file = Segment.fileName(lastDataSegment);
        assertThat(StoreChecker.check(dir).faults()).as("cairn check without %s", file)
                .anySatisfy(f -> assertThat(f).contains(file).contains("missing"));
        assertThatThrownBy(() -> Cairn.open(LogFixture.options(dir)).close()).as("open without %s", file)
                .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining("missing");
    }

    /**
     * The quiet case: the lost segment begins with a whole batch, so the log before it ends cleanly
     * at a sealed segment and only the durable checkpoint can tell that acknowledged data is gone.
     */
    @Test
    void missingLastSegmentThatBeginsWithAWholeBatchIsAnErrorToo() throws IOException {
        long aligned = -1;
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            Random random = new Random(9);
            for (int round = 0; round < 200 && aligned < 0; round++) {
                for (LogFixture.Batch b : LogFixture.writeBatches(store, random, 20)) {
                    if (b.start() % SEGMENT_SIZE == Segment.HEADER_SIZE) {
                        aligned = b.start() / SEGMENT_SIZE;
                        break;
                    }
                }
            }
        }
        assertThat(aligned).as("a batch that starts a segment").isPositive();
        deleteSegmentsFrom(aligned);
        String file = Segment.fileName(aligned);
        assertThat(StoreChecker.check(dir).faults()).as("cairn check without %s", file)
                .anySatisfy(f -> assertThat(f).contains(file).contains("missing"));
        assertThatThrownBy(() -> Cairn.open(LogFixture.options(dir)).close()).as("open without %s", file)
                .isInstanceOf(CorruptedStoreException.class).hasMessageContaining(file).hasMessageContaining("missing");
    }

    private void deleteSegmentsFrom(long first) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{8}\\.seg") && Long.parseLong(name.substring(0, 8)) >= first) {
                    Files.delete(p);
                }
            }
        }
    }
}
