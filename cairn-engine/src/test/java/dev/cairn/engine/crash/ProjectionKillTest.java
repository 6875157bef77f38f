package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.projections.Projections;
import dev.cairn.engine.streams.EmbeddedEventStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a process whose standard projections are writing links while it appends, several times
 * on the same directory, then lets the projections catch up: {@code $ce-} and {@code $et-} hold
 * exactly one link per source event, in log order, none twice and none missing. A user projection
 * running beside them counts every event (in all and per stream) and links each {@code Placed}
 * one: its counts equal the events and its links are exactly once too. What a batch produces and
 * each checkpoint are one atomic append, so a kill can land anywhere.
 */
class ProjectionKillTest {

    private static final int ROUNDS = 4;

    @TempDir
    Path tmp;

    @Test
    void everySourceEventHasExactlyOneLinkAfterKills() throws Exception {
        Path dir = tmp.resolve("store");
        Random random = new Random();
        for (int round = 0; round < ROUNDS; round++) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Writer.class.getName(), dir.toString(), Integer.toString(round))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null && !line.equals("writer: linking"); ) {
                    line = out.readLine();
                }
                Thread.sleep(100 + random.nextInt(400));
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }

        try (EventStore store = Cairn.open(options(dir))) {
            List<String> sources = new ArrayList<>();
            List<String> placed = new ArrayList<>();
            for (ResolvedEvent e : store.readAllToList(ReadAllOptions.forwards())) {
                RecordedEvent event = e.event();
                if (event.stream().value().startsWith("acct-")) {
                    sources.add(event.revision() + "@" + event.stream().value());
                    if (event.type().value().equals("Placed")) {
                        placed.add(event.revision() + "@" + event.stream().value());
                    }
                }
            }
            assertThat(sources).hasSizeGreaterThan(ROUNDS);
            assertThat(awaitTargets(store, "$ce-acct", sources.size())).containsExactlyElementsOf(sources);
            assertThat(awaitTargets(store, "$et-Placed", placed.size())).containsExactlyElementsOf(placed);
            assertThat(awaitTargets(store, "placed-copy", placed.size())).containsExactlyElementsOf(placed);
            Projections projections = ((EmbeddedEventStore) store).projections();
            assertThat(awaitState(projections, "", "{\"count\":" + sources.size() + "}"))
                    .isEqualTo("{\"count\":" + sources.size() + "}");
            String someStream = sources.get(sources.size() - 1).split("@")[1];
            long inStream = sources.stream().filter(s -> s.endsWith("@" + someStream)).count();
            assertThat(projections.state("per-stream", someStream)).isEqualTo("{\"count\":" + inStream + "}");
        }
    }

    private static String awaitState(Projections projections, String partition, String expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state = projections.state("counter", partition);
        while (!expected.equals(state) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            state = projections.state("counter", partition);
        }
        return state;
    }

    private static CairnOptions options(Path dir) {
        return CairnOptions.builder(dir).segmentSize(1 << 20).maxEventSize(1 << 16).standardProjections(true)
                .userProjections(true).build();
    }

    private static List<String> awaitTargets(EventStore store, String stream, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> targets = targets(store, stream);
        while (targets.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
            targets = targets(store, stream);
        }
        Thread.sleep(300);
        return targets(store, stream);
    }

    private static List<String> targets(EventStore store, String stream) {
        try {
            return store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards()).stream()
                    .map(e -> e.event().dataAsString()).toList();
        } catch (StreamNotFoundException absent) {
            return List.of();
        }
    }

    /** Run in a child JVM: appends batches to 20 streams with the projections running, until killed. */
    static final class Writer {
        public static void main(String[] args) {
            EventStore store = Cairn.open(options(Path.of(args[0])));
            Random random = new Random();
            String round = args[1];
            if (round.equals("0")) {
                Projections projections = ((EmbeddedEventStore) store).projections();
                projections.create("counter", """
                        fromCategory('acct').when({
                            $init() { return { count: 0 }; },
                            $any(s, e) { s.count++; if (e.eventType === 'Placed') { linkTo('placed-copy', e); } }
                        });
                        """, true, false);
                projections.create("per-stream", """
                        fromCategory('acct').foreachStream().when({ $init() { return { count: 0 }; }, $any(s, e) { s.count++; } });
                        """, false, false);
            }
            boolean said = false;
            for (long n = 0; ; n++) {
                StreamName stream = StreamName.of("acct-" + round + "-" + random.nextInt(20));
                List<EventData> batch = new ArrayList<>();
                for (int i = 1 + random.nextInt(5); i > 0; i--) {
                    batch.add(EventData.json(random.nextBoolean() ? "Placed" : "Paid", "{\"n\":" + n + "}"));
                }
                store.append(stream, StreamState.any(), batch);
                if (!said && n > 50) {
                    System.out.println("writer: linking");
                    System.out.flush();
                    said = true;
                }
            }
        }
    }
}
