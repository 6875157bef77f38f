package dev.cairn.eventsourcing.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventMetadata;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the process running a projection (SIGKILL, at random moments: between events, inside a
 * transaction, while it stores its position) and restarts it, again and again, until it finishes;
 * then the SQLite view must show every event applied exactly once: nothing skipped, nothing
 * counted twice.
 */
class ProjectionCrashTest {

    static final int STREAMS = 20;
    static final int EVENTS_PER_STREAM = 20;

    @TempDir
    Path dir;

    @Test
    void killingTheRunnerBetweenAndDuringEventsNeitherSkipsNorDoubleCounts() throws Exception {
        Path storeDir = dir.resolve("store");
        Path view = dir.resolve("view.db");
        Set<String> ids = new HashSet<>();
        EventCodec codec = new EventCodec(ProjectionProcessMain.REGISTRY);
        try (EventStore store = Cairn.open(CairnOptions.builder(storeDir).segmentSize(8L << 20).maxEventSize(1L << 20).build())) {
            int n = 0;
            for (int round = 0; round < EVENTS_PER_STREAM; round++) {
                for (int s = 0; s < STREAMS; s++) {
                    EventData e = codec.encode(new ProjectionProcessMain.Counted(n++), EventMetadata.NONE);
                    ids.add(e.id().toString());
                    store.append(dev.cairn.api.StreamName.of("counted-" + s), StreamState.any(), List.of(e));
                    if (s % 7 == 0) {
                        store.append("noise-" + s, StreamState.any(), EventData.json("Noise", "{}"));
                    }
                }
            }
        }

        Random random = new Random();
        int kills = 0;
        int killsAfterProgress = 0;
        boolean finished = false;
        // five kills at random moments while it works, then one undisturbed run to the end
        for (int run = 0; run < 5 && !finished; run++) {
            int before = appliedCount(view);
            Child child = Child.start(storeDir, view);
            child.awaitApplying();
            if (child.process.waitFor(random.nextInt(250), TimeUnit.MILLISECONDS)) {
                child.reader.join(10_000);
                assertThat(child.process.exitValue()).as("child output:%n%s", child.output).isZero();
                assertThat(child.done.get()).as("child output:%n%s", child.output).isTrue();
                finished = true;
            } else {
                child.process.destroyForcibly();
                assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                kills++;
                if (appliedCount(view) > before) {
                    killsAfterProgress++;
                }
            }
        }
        if (!finished) {
            Child last = Child.start(storeDir, view);
            assertThat(last.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            last.reader.join(10_000);
            assertThat(last.done.get()).as("child output:%n%s", last.output).isTrue();
        }

        assertThat(kills).as("the runner was killed several times while it made progress").isGreaterThanOrEqualTo(3);
        assertThat(killsAfterProgress).as("kills that came after the view moved on").isGreaterThanOrEqualTo(3);
        Map<String, Integer> times = new HashMap<>();
        Map<String, Integer> perStream = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + view); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT event_id, times FROM applied")) {
                while (r.next()) {
                    times.put(r.getString(1), r.getInt(2));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT stream, n FROM per_stream")) {
                while (r.next()) {
                    perStream.put(r.getString(1), r.getInt(2));
                }
            }
        }
        assertThat(times.keySet()).as("no event skipped").isEqualTo(ids);
        List<String> twice = new ArrayList<>();
        times.forEach((id, t) -> {
            if (t != 1) {
                twice.add(id + " x" + t);
            }
        });
        assertThat(twice).as("no event applied twice").isEmpty();
        assertThat(perStream).hasSize(STREAMS).allSatisfy((stream, count) -> assertThat(count).isEqualTo(EVENTS_PER_STREAM));
    }

    /** A running {@link ProjectionProcessMain} and what it printed. */
    private record Child(Process process, Thread reader, StringBuffer output, AtomicBoolean applying,
            AtomicBoolean done) {

        static Child start(Path storeDir, Path view) throws java.io.IOException {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), ProjectionProcessMain.class.getName(),
                    storeDir.toString(), view.toString()).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            AtomicBoolean applying = new AtomicBoolean();
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        if (line.equals("applying")) {
                            applying.set(true);
                            continue;
                        }
                        output.append(line).append('\n');
                        if (line.equals("done")) {
                            done.set(true);
                        }
                    }
                } catch (java.io.IOException killed) {
                    // the stream ends with the process
                }
            });
            return new Child(p, reader, output, applying, done);
        }

        /** Waits until the projection is applying events (or the process ended). */
        void awaitApplying() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!applying.get() && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    private static int appliedCount(Path view) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + view); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM applied")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // the tables do not exist yet
        }
    }
}
