package dev.cairn.engine.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventStore;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.engine.Cairn;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that appends to a stream and consumes it through a persistent subscription
 * group with SIGKILL (no final checkpoint, checkpoints and parks possibly in flight), twice, then
 * checks that the group, resumed from its last durable checkpoint, delivers every event that the
 * killed consumers had not handled: at-least-once across crashes, nothing lost.
 */
class PersistentConsumerKillTest {

    private static final int ROUNDS = 2;

    @TempDir
    Path tmp;

    @Test
    void noEventIsLostWhenTheConsumingProcessIsKilled() throws Exception {
        long seed = Long.getLong("cairn.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path dir = tmp.resolve("store");
        Set<UUID> handled = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            Path journal = tmp.resolve("journal-" + round + ".log");
            runAndKill(dir, journal, 300 + random.nextInt(500));
            handled.addAll(handledIn(journal));
        }
        int handledBefore = handled.size();

        Set<UUID> all = new HashSet<>();
        Set<UUID> redelivered = ConcurrentHashMap.newKeySet();
        List<Long> revisions = new CopyOnWriteArrayList<>();
        try (EventStore store = Cairn.open(CrashWriterMain.options(dir))) {
            for (ResolvedEvent e : store.readStreamToList(CrashConsumerMain.STREAM, ReadStreamOptions.forwards())) {
                all.add(e.originalEvent().id());
            }
            PersistentSubscription consumer = store.persistentSubscriptions().subscribe(CrashConsumerMain.STREAM,
                    CrashConsumerMain.GROUP, ConsumerOptions.bufferSize(50), new PersistentSubscriptionListener() {
                        @Override
                        public void onEvent(PersistentSubscription s, ResolvedEvent event, int retryCount) {
                            redelivered.add(event.originalEvent().id());
                            revisions.add(event.originalEvent().revision());
                            s.ack(event);
                        }
                    });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!covered(all, handled, redelivered) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            consumer.stop();
        }
        System.out.printf("PersistentConsumerKillTest seed %d: %d events, %d handled before the kills, %d delivered after "
                + "(first revision %s)%n", seed, all.size(), handledBefore, redelivered.size(),
                revisions.isEmpty() ? "none" : revisions.getFirst());
        Set<UUID> missing = new HashSet<>(all);
        missing.removeAll(handled);
        missing.removeAll(redelivered);
        assertThat(missing).as("events never handled (seed %d, %d events, %d handled before the kills)", seed,
                all.size(), handledBefore).isEmpty();
        assertThat(handledBefore).as("the killed consumers handled events").isPositive();
        assertThat(revisions).as("the group resumed from a checkpoint, not from the start").doesNotContain(0L);
    }

    private static boolean covered(Set<UUID> all, Set<UUID> handled, Set<UUID> redelivered) {
        for (UUID id : all) {
            if (!handled.contains(id) && !redelivered.contains(id)) {
                return false;
            }
        }
        return true;
    }

    /** The ids journalled completely (the line's CRC holds) before the kill. */
    private static Set<UUID> handledIn(Path journal) throws Exception {
        Set<UUID> ids = new HashSet<>();
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            int hash = line.lastIndexOf(" #");
            if (hash < 0) {
                continue;
            }
            String payload = line.substring(0, hash);
            if (line.substring(hash + 2).equals(AckJournal.crc(payload)) && payload.startsWith("H ")) {
                ids.add(UUID.fromString(payload.substring(2)));
            }
        }
        return ids;
    }

    private void runAndKill(Path dir, Path journal, long delayMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashConsumerMain.class.getName(), dir.toString(), journal.toString())
                .redirectErrorStream(true).start();
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
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("child ready; its output:%n%s", output).isTrue();
            Thread.sleep(delayMillis);
            assertThat(child.isAlive()).as("child still running when killed; its output:%n%s", output).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died after SIGKILL").isTrue();
            reader.join(5_000);
        }
    }
}
