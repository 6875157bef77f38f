package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL, again and again on the same directory, and checks after
 * each kill that the store kept its promises: every acknowledged append is there exactly once, at
 * the revisions and position it was acknowledged with; no batch (single- or multi-stream) is
 * partly visible, acknowledged or not; and {@code cairn check} finds the store clean.
 *
 * <p>The writer is {@link CrashWriterMain} in a child JVM; its journal ({@link AckJournal}) is the
 * oracle. Small segments make kills land around segment rolls too. Set {@code -Dcairn.crash.seed}
 * to replay a run's kill timings and event mix (the scheduling itself is not reproducible).
 */
class KillWhileWritingTest {

    private static final int ROUNDS = 20;

    @TempDir
    Path tmp;

    /** A stored event: where the store says it is. */
    private record Placement(String stream, long revision, long position) {
    }

    @Test
    void everyAcknowledgedAppendSurvivesSigkillAndNoBatchIsTorn() throws Exception {
        long seed = Long.getLong("cairn.crash.seed", System.nanoTime());
        System.out.println("KillWhileWritingTest seed " + seed);
        Random random = new Random(seed);
        Path dir = tmp.resolve("store");
        List<AckJournal.Contents> journals = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Path journal = tmp.resolve("journal-" + round + ".log");
            long delay = 100 + random.nextInt(700);
            runAndKill(dir, journal, seed * 1_000 + round, delay);
            journals.add(AckJournal.read(journal));
            Totals totals = verify(dir, journals, "round " + round + " (seed " + seed + ", killed " + delay + " ms after ready)");
            System.out.printf("round %d: killed %d ms after ready; %d acks verified, %d attempts (%d unacknowledged: "
                    + "%d present, %d absent), %d events in $all, %d segments%n", round, delay, totals.acks,
                    totals.attempts, totals.unacked, totals.unackedPresent, totals.attempts - totals.acks
                            - totals.unackedPresent, totals.events, totals.segments);
            assertThat(totals.acks).as("acknowledged appends after round %d", round).isPositive();
        }
    }

    private void runAndKill(Path dir, Path journal, long childSeed, long delayMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashWriterMain.class.getName(), dir.toString(), journal.toString(), Long.toString(childSeed))
                .redirectErrorStream(true);
        Process child = builder.start();
        StringBuffer output = new StringBuffer();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.equals("READY")) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the child is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            boolean started = ready.await(60, TimeUnit.SECONDS);
            assertThat(started).as("child ready; its output:%n%s", output).isTrue();
            Thread.sleep(delayMillis);
            assertThat(child.isAlive()).as("child still writing when killed; its output:%n%s", output).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died after SIGKILL").isTrue();
            reader.join(5_000);
        }
    }

    private static final class Totals {
        long acks;
        long attempts;
        long unacked;
        long unackedPresent;
        long events;
        long segments;
    }

    private Totals verify(Path dir, List<AckJournal.Contents> journals, String context) throws Exception {
        List<String> problems = new ArrayList<>();
        Totals totals = new Totals();
        Map<UUID, Placement> inAll = new HashMap<>();
        try (EventStore store = Cairn.open(CrashWriterMain.options(dir))) {
            for (ResolvedEvent r : store.readAllToList(ReadAllOptions.forwards())) {
                RecordedEvent e = r.event();
                totals.events++;
                Placement previous = inAll.put(e.id(), new Placement(e.stream().value(), e.revision(), e.position().prepare()));
                if (previous != null) {
                    problems.add("event " + e.id() + " is in $all twice: " + previous + " and at " + e.position());
                }
            }
            for (int t = 0; t < CrashWriterMain.THREADS; t++) {
                for (int k = 0; k < CrashWriterMain.STREAMS_PER_THREAD; k++) {
                    checkStream(store, CrashWriterMain.stream(t, k), inAll, problems);
                }
            }
        }
        Map<String, AckJournal.Attempt> attempts = new HashMap<>();
        for (AckJournal.Contents journal : journals) {
            for (AckJournal.Failure f : journal.failures()) {
                problems.add("the writer saw a failed append " + f.id() + ": " + f.message());
            }
            for (AckJournal.Attempt a : journal.attempts()) {
                attempts.put(a.id(), a);
            }
        }
        Map<String, AckJournal.Ack> acks = new HashMap<>();
        for (AckJournal.Contents journal : journals) {
            for (AckJournal.Ack ack : journal.acks()) {
                acks.put(ack.id(), ack);
                checkAck(ack, attempts.get(ack.id()), inAll, problems);
            }
        }
        for (AckJournal.Attempt attempt : attempts.values()) {
            int total = 0;
            int present = 0;
            for (AckJournal.AttemptPart part : attempt.parts()) {
                for (UUID id : part.ids()) {
                    total++;
                    present += inAll.containsKey(id) ? 1 : 0;
                }
            }
            if (present != 0 && present != total) {
                problems.add("batch " + attempt.id() + " is partly visible: " + present + " of " + total + " events");
            }
            if (!acks.containsKey(attempt.id())) {
                totals.unacked++;
                totals.unackedPresent += present > 0 ? 1 : 0;
            }
        }
        totals.acks = acks.size();
        totals.attempts = attempts.size();
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            totals.segments = files.filter(p -> p.getFileName().toString().endsWith(".seg")).count();
        }
        assertThat(problems).as("%s: %d problems", context, problems.size()).isEmpty();
        CheckReport report = StoreChecker.check(dir);
        assertThat(report.findings()).as("%s: cairn check", context).isEmpty();
        assertThat(report.events()).as("%s: events checked", context).isEqualTo(totals.events);
        return totals;
    }

    /** The stream read through the index agrees with $all and has no gap in its revisions. */
    private static void checkStream(EventStore store, String stream, Map<UUID, Placement> inAll, List<String> problems) {
        List<ResolvedEvent> events;
        try {
            events = store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards());
        } catch (StreamNotFoundException e) {
            events = List.of();
        }
        long count = inAll.values().stream().filter(p -> p.stream().equals(stream)).count();
        if (events.size() != count) {
            problems.add("stream " + stream + " reads " + events.size() + " events but $all holds " + count);
        }
        for (int i = 0; i < events.size(); i++) {
            RecordedEvent e = events.get(i).event();
            Placement p = inAll.get(e.id());
            if (e.revision() != i) {
                problems.add("stream " + stream + " has revision " + e.revision() + " at index " + i);
            }
            if (p == null || !p.equals(new Placement(stream, e.revision(), e.position().prepare()))) {
                problems.add("stream " + stream + " revision " + e.revision() + " (" + e.id() + ") is " + p + " in $all");
            }
        }
    }

    private static void checkAck(AckJournal.Ack ack, AckJournal.Attempt attempt, Map<UUID, Placement> inAll,
            List<String> problems) {
        if (attempt == null || attempt.parts().size() != ack.parts().size()) {
            problems.add("ack " + ack.id() + " does not match its attempt " + attempt);
            return;
        }
        for (int p = 0; p < ack.parts().size(); p++) {
            AckJournal.AckPart part = ack.parts().get(p);
            AckJournal.AttemptPart asked = attempt.parts().get(p);
            if (!part.ids().equals(asked.ids()) || !part.stream().equals(asked.stream())
                    || part.lastRevision() - part.firstRevision() + 1 != part.ids().size()) {
                problems.add("ack " + ack.id() + " part " + p + " does not match its attempt");
                continue;
            }
            for (int i = 0; i < part.ids().size(); i++) {
                UUID id = part.ids().get(i);
                Placement found = inAll.get(id);
                long revision = part.firstRevision() + i;
                if (found == null) {
                    problems.add("acknowledged event " + id + " (" + revision + "@" + part.stream() + ", append "
                            + ack.id() + ") is lost");
                } else if (!found.stream().equals(part.stream()) || found.revision() != revision) {
                    problems.add("acknowledged event " + id + " should be " + revision + "@" + part.stream() + " but is "
                            + found);
                } else if (i == part.ids().size() - 1 && found.position() != part.position()) {
                    problems.add("acknowledged event " + id + " was acknowledged at position " + part.position()
                            + " but is at " + found.position());
                }
            }
        }
    }
}
