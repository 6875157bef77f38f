package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn backup --db DIR --out DIR} through the real command line, from the data directory of
 * a node that is serving: the backup is checked, a node started on it serves what was written, and
 * a second backup into the same directory is refused.
 */
class BackupCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aBackupOfAServingNodeStartsAsANodeWithWhatWasWritten() throws Exception {
        Path db = tmp.resolve("db");
        Path backup = tmp.resolve("backup");
        List<EventData> written = new ArrayList<>();
        try (TestNode node = TestNode.start(db)) {
            for (int i = 0; i < 50; i++) {
                EventData event = EventDataBuilder.json("Booked", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                        .build();
                node.client.appendToStream("ledger", event).get();
                written.add(event);
            }

            CommandRun run = CommandRun.of("backup", "--db", db.toString(), "--out", backup.toString());
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("copied 1 segment (8 MiB)").contains("is in it")
                    .contains("checked the copy: 50 events in 50 batches")
                    .contains("cairn start --db " + backup);

            CommandRun again = CommandRun.of("backup", "--db", db.toString(), "--out", backup.toString());
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("is not empty; a backup never overwrites");
        }

        try (TestNode restored = TestNode.start(backup)) {
            List<ResolvedEvent> events = restored.client.readStream("ledger", ReadStreamOptions.get()).get()
                    .getEvents();
            assertThat(events).extracting(e -> e.getEvent().getEventId())
                    .containsExactlyElementsOf(written.stream().map(EventData::getEventId).toList());
        }
    }

    @Test
    void aDirectoryThatDoesNotExistIsAUsageError() {
        CommandRun run = CommandRun.of("backup", "--db", tmp.resolve("nothing").toString(), "--out", tmp.resolve("b").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no such directory");
        CommandRun noLog = CommandRun.of("backup", "--db", tmp.toString(), "--out", tmp.resolve("b").toString());
        assertThat(noLog.exitCode()).isEqualTo(1);
        assertThat(noLog.err()).contains("no Cairn store in");
    }
}
