package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.log.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn check --db DIR} exit codes, run through the real command line: 0 for a clean store
 * and for one that only ends in a torn tail (a note), 1 for a store with faults (reported on stdout,
 * naming where), 2 for a directory that does not exist or a usage error.
 */
class CheckCommandTest {

    /** Where the first record of a log starts: right after segment 0's header. */
    private static final int FIRST_RECORD = 64;

    @TempDir
    Path tmp;

    private Path store() {
        Path dir = tmp.resolve("db");
        try (EventStore store = Cairn.open(dir)) {
            for (int i = 0; i < 20; i++) {
                store.append("order-" + (i % 3), StreamState.any(), EventData.json("OrderPlaced", "{\"n\":" + i + "}"),
                        EventData.json("OrderPaid", "{\"n\":" + i + "}"));
            }
        }
        return dir;
    }

    @Test
    void cleanStoreExitsZero() {
        Path dir = store();
        CommandRun run = CommandRun.of("check", "--db", dir.toString());
        assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isZero();
        assertThat(run.out()).contains("40 events").contains("clean");
    }

    @Test
    void tornTailAloneExitsZeroWithANote() throws IOException {
        Path dir = store();
        long end;
        try (Checkpoint checkpoint = Checkpoint.open(dir.resolve("log").resolve("checkpoint"))) {
            end = checkpoint.read(); // the log's end after a clean close; segment 0 starts at position 0
        }
        // what a crash in the middle of writing a batch leaves after the last acknowledged one
        try (FileChannel ch = FileChannel.open(dir.resolve("log").resolve("00000000.seg"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("a batch cut off by a crash".getBytes(StandardCharsets.US_ASCII)), end);
        }
        CommandRun run = CommandRun.of("check", "--db", dir.toString());
        assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isZero();
        assertThat(run.out()).contains("40 events").contains("note: log ends with a torn batch at position " + end)
                .contains("the next open discards it").contains("sound: no damage").doesNotContain("fault");
    }

    @Test
    void corruptStoreExitsOneAndNamesTheDamage() throws IOException {
        Path dir = store();
        Path segment = dir.resolve("log").resolve("00000000.seg");
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, FIRST_RECORD + 30);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b.flip(), FIRST_RECORD + 30);
        }
        CommandRun run = CommandRun.of("check", "--db", dir.toString());
        assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isEqualTo(1);
        assertThat(run.out()).contains("00000000.seg").contains("at offset " + FIRST_RECORD).contains("1 fault");
    }

    @Test
    void truncatedSegmentExitsOneNotAsAFailedCommand() throws IOException {
        Path dir = store();
        try (FileChannel ch = FileChannel.open(dir.resolve("log").resolve("00000000.seg"), StandardOpenOption.WRITE)) {
            ch.truncate(4096);
        }
        CommandRun run = CommandRun.of("check", "--db", dir.toString());
        assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isEqualTo(1);
        assertThat(run.out()).contains("00000000.seg").contains("4096 bytes");
    }

    @Test
    void missingDirectoryExitsTwo() {
        Path missing = tmp.resolve("no-such-db");
        CommandRun run = CommandRun.of("check", "--db", missing.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no such directory").contains(missing.toString());
        assertThat(missing).doesNotExist();
    }

    @Test
    void missingDbOptionIsAUsageError() {
        assertThat(CommandRun.of("check").exitCode()).isEqualTo(2);
    }

    @Test
    void directoryThatIsNotAStoreIsNotCleanAndNotCreated() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CommandRun run = CommandRun.of("check", "--db", empty.toString());
        assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isNotZero();
        assertThat(empty.resolve("log")).doesNotExist();
    }
}
