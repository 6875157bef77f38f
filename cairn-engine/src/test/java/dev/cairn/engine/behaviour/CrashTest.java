package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kill the process while it writes, reopen, verify (H2's TestKillProcessWhileWriting): a child JVM
 * appends from several threads and prints every acknowledged event; it is killed with SIGKILL at a
 * point the test picks; the reopened store must hold every acknowledged event at its revision, and
 * accept appends after it.
 */
class CrashTest extends StoreFixture {

    private static final int WRITERS = 3;

    @ParameterizedTest(name = "killed after {0} acknowledged appends")
    @ValueSource(ints = {1, 40, 150})
    void everyAcknowledgedAppendSurvivesAKill(int acknowledgedBeforeKill) throws Exception {
        store.close();
        store = null;
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=none", ChildWriter.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        Map<String, List<UUID>> acknowledged = new HashMap<>();
        int count = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (count >= acknowledgedBeforeKill && child.isAlive()) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close the pipe,
                    // losing acknowledgements the child printed before it died
                    child.toHandle().destroyForcibly();
                }
                String[] parts = line.split(" ");
                if (parts.length == 4 && parts[0].equals("ACK")) {
                    List<UUID> ids = acknowledged.computeIfAbsent(parts[1], k -> new ArrayList<>());
                    assertThat(Long.parseLong(parts[2])).isEqualTo(ids.size());
                    ids.add(UUID.fromString(parts[3]));
                    count++;
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(count).isGreaterThanOrEqualTo(acknowledgedBeforeKill);

        store = Cairn.open(options().build());

        for (Map.Entry<String, List<UUID>> e : acknowledged.entrySet()) {
            List<RecordedEvent> read = read(e.getKey());
            assertThat(read.size()).as("stream %s keeps every acknowledged event", e.getKey())
                    .isGreaterThanOrEqualTo(e.getValue().size());
            assertThat(recordedIds(read.subList(0, e.getValue().size()))).isEqualTo(e.getValue());
            assertThat(revisions(read)).isEqualTo(java.util.stream.LongStream.range(0, read.size()).boxed().toList());
            AppendResult next = append(e.getKey(), StreamState.at(read.size() - 1), event());
            assertThat(next.nextExpectedRevision()).isEqualTo(read.size());
        }
        List<RecordedEvent> all = readAll();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).position()).isGreaterThan(all.get(i - 1).position());
        }
    }

    /** The child: appends 20 KB events to one stream per thread forever, printing each acknowledgement. */
    static final class ChildWriter {
        public static void main(String[] args) throws Exception {
            CairnOptions options = CairnOptions.builder(Path.of(args[0])).segmentSize(SEGMENT_SIZE)
                    .maxEventSize(MAX_EVENT_SIZE).build();
            EventStore store = Cairn.open(options);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                String stream = "crash-" + t;
                Thread thread = new Thread(() -> {
                    for (long revision = 0; ; revision++) {
                        EventData e = EventData.binary("Big", new byte[20_000]);
                        store.append(dev.cairn.api.StreamName.of(stream),
                                revision == 0 ? StreamState.noStream() : StreamState.at(revision - 1), List.of(e));
                        synchronized (System.out) {
                            System.out.println("ACK " + stream + " " + revision + " " + e.id());
                            System.out.flush();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

}
