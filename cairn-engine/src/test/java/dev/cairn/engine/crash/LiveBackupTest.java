package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventStore;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.log.LogBackup;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of a store taken while a writer appends to it ({@link LogBackup}): each opens as a store
 * holding every append acknowledged before its copy began, and nothing but a prefix of the
 * source's log, with the index built at its first open.
 */
class LiveBackupTest {

    @TempDir
    Path dir;

    @Test
    void backupsTakenWhileAWriterAppendsOpenWithEveryAcknowledgedAppend() throws Exception {
        Path db = dir.resolve("db");
        List<UUID> acknowledged = new CopyOnWriteArrayList<>();
        List<Path> backups = new ArrayList<>();
        List<List<UUID>> acknowledgedBefore = new ArrayList<>();
        List<RecordedEvent> source;
        try (EventStore store = Cairn.open(LogFixture.options(db))) {
            LogFixture.writeBatches(store, new Random(5), 300); // about 12 segments of 256 KiB
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("backup-test-writer").start(() -> {
                Random random = new Random(6);
                try {
                    while (!stop.get()) {
                        var events = LogFixture.events(random, 1 + random.nextInt(10));
                        store.append(StreamName.of("live-" + random.nextInt(3)), StreamState.any(), events);
                        events.forEach(e -> acknowledged.add(e.id()));
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            try {
                for (int i = 0; i < 6; i++) {
                    Thread.sleep(20);
                    acknowledgedBefore.add(List.copyOf(acknowledged));
                    Path backup = dir.resolve("backup-" + i);
                    LogBackup.Result result = LogBackup.copy(db, backup);
                    assertThat(result.segments()).isGreaterThan(1);
                    backups.add(backup);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(failed.get()).isNull();
            source = LogFixture.readAll(store);
        }
        List<UUID> sourceIds = source.stream().map(RecordedEvent::id).toList();
        for (int i = 0; i < backups.size(); i++) {
            Path backup = backups.get(i);
            assertThat(backup.resolve("index")).doesNotExist();
            CheckReport report = StoreChecker.checkLog(backup);
            assertThat(report.faults()).as("backup %d", i).isEmpty();
            try (EventStore restored = Cairn.open(LogFixture.options(backup))) {
                List<RecordedEvent> all = LogFixture.readAll(restored);
                List<UUID> ids = all.stream().map(RecordedEvent::id).toList();
                assertThat(ids).as("backup %d is a prefix of the source's log", i)
                        .containsExactlyElementsOf(sourceIds.subList(0, ids.size()));
                assertThat(all).extracting(e -> e.position().commit()).as("at the same positions")
                        .containsExactlyElementsOf(source.subList(0, all.size()).stream()
                                .map(e -> e.position().commit()).toList());
                assertThat(ids).as("backup %d holds what was acknowledged before it began", i)
                        .containsAll(acknowledgedBefore.get(i));
                restored.append(StreamName.of("after-restore"), StreamState.noStream(),
                        LogFixture.events(new Random(7), 3));
            }
            assertThat(StoreChecker.check(backup).findings()).as("backup %d after its first open", i).isEmpty();
        }
    }

    @Test
    void aFailedBackupLeavesNoHalfBackupBehind() throws Exception {
        Path db = dir.resolve("db");
        try (EventStore store = Cairn.open(LogFixture.options(db))) {
            LogFixture.writeBatches(store, new Random(9), 100); // a few segments
        }
        // a segment the copy cannot read, after one it has copied
        Path second = LogFixture.segment(db, 1);
        Files.delete(second);
        Files.createDirectory(second);

        Path fresh = dir.resolve("fresh");
        assertThatThrownBy(() -> LogBackup.copy(db, fresh)).isInstanceOf(java.io.IOException.class);
        assertThat(fresh).doesNotExist();

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> LogBackup.copy(db, empty)).isInstanceOf(java.io.IOException.class);
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void aBackupNeverOverwrites() throws Exception {
        Path db = dir.resolve("db");
        try (EventStore store = Cairn.open(LogFixture.options(db))) {
            LogFixture.writeBatches(store, new Random(8), 5);
        }
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.writeString(target.resolve("precious"), "keep me");
        assertThatThrownBy(() -> LogBackup.copy(db, target)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(target.resolve("precious"))).isEqualTo("keep me");
        assertThat(target.resolve("log")).doesNotExist();

        Path empty = Files.createDirectories(dir.resolve("empty"));
        LogBackup.copy(db, empty);
        assertThat(StoreChecker.checkLog(empty).clean()).isTrue();
    }
}
