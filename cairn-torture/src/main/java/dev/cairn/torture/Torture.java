package dev.cairn.torture;

import dev.cairn.engine.check.CheckReport;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.server.NodeProcess;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The torture run: a node in a child process, writers and subscribers on the official client,
 * a SIGKILL at a random moment of each round while the load is in flight, then the offline checks
 * of {@code cairn check} on the dead node's directory, a restart, and a {@link Verifier} pass
 * against the {@link Ledger}. After the last round the subscribers catch up and must have received
 * exactly {@code $all}.
 *
 * <p>Not thread-safe; one run per instance.
 */
final class Torture {

    /** The child node's JVM: a small heap, as a torture needs no more, and the serial collector for quick starts. */
    static final List<String> NODE_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC");

    /**
     * The settings of one run.
     *
     * @param seconds the longest a round's load runs before the kill (the kill comes at a random
     *     moment between a fifth of it and all of it)
     * @param persistentConsumers consumers of the one persistent subscription group; 0 for none
     * @param segmentSize the node's segment size in bytes
     */
    record Settings(Path db, int rounds, double seconds, int writers, int streamsPerWriter, int subscribers,
            int persistentConsumers, long segmentSize, long seed) {
    }

    /** The totals a run reports; {@code violations} lists what broke, empty when nothing did. */
    record Totals(int rounds, long acknowledged, long verified, long lost, long partial, long deliveries,
            Persistent persistent, List<String> violations) {

        String summary() {
            String line = String.format("rounds %d, acknowledged %d, verified %d, lost %d, partial %d", rounds,
                    acknowledged, verified, lost, partial);
            return persistent == null ? line : line + ", " + persistent;
        }
    }

    /**
     * The persistent group's figures at the end of a run.
     *
     * @param events the events of its source in {@code $all}
     * @param delivered those delivered at least once
     * @param deliveries deliveries in all, redeliveries included
     * @param undelivered events of the source never delivered (a gap)
     * @param phantom delivered events that {@code $all} does not have
     */
    record Persistent(long events, long delivered, long deliveries, long redelivered, long undelivered,
            long phantom) {

        @Override
        public String toString() {
            return String.format("persistent events %d, delivered %d, deliveries %d, redelivered %d, undelivered %d, "
                    + "phantom %d", events, delivered, deliveries, redelivered, undelivered, phantom);
        }
    }

    private final Settings settings;
    private final PrintWriter out;
    private final Ledger ledger = new Ledger();
    private final List<LoadWriter> writers = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final PersistentSubscriber persistent;
    private final Random random;

    Torture(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
        for (int w = 0; w < settings.writers(); w++) {
            writers.add(new LoadWriter(w, settings.streamsPerWriter(), ledger, random.nextLong()));
        }
        for (int s = 0; s < settings.subscribers(); s++) {
            subscribers.add(new AllSubscriber(s));
        }
        persistent = settings.persistentConsumers() > 0 ? new PersistentSubscriber(settings.persistentConsumers()) : null;
        if (persistent != null) {
            subscribers.add(persistent);
        }
    }

    Totals run() throws Exception {
        Path log = settings.db().resolveSibling(settings.db().getFileName() + "-node.log");
        out.printf("torture: %d rounds of up to %.1f s, %d writers x %d streams, %d catch-up subscribers, "
                + "%d persistent consumers, segments of %d KiB, seed %d%n", settings.rounds(), settings.seconds(),
                settings.writers(), settings.streamsPerWriter(), settings.subscribers(),
                settings.persistentConsumers(), settings.segmentSize() >> 10, settings.seed());
        out.printf("torture: data in %s, node output in %s%n", settings.db(), log);
        out.flush();
        List<String> violations = new ArrayList<>();
        Verifier.Result last = null;
        NodeProcess[] node = {NodeProcess.start(settings.db(), log, settings.segmentSize(), Torture.NODE_JVM)};
        // whatever happens to this run, its node must not outlive it
        Thread reaper = Thread.ofPlatform().unstarted(() -> node[0].destroy());
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            for (int r = 1; r <= settings.rounds(); r++) {
                last = round(r, node, log, violations);
            }
            long deliveries = catchUp(node[0], last, violations);
            int exit = node[0].stop();
            if (exit != 0) {
                violations.add("the node exited " + exit + " on SIGTERM");
            }
            StoreChecker.check(settings.db()).findings().forEach(f -> violations.add("after the run: cairn check: " + f));
            Persistent figures = null;
            if (persistent != null) {
                List<Verifier.Entry> source = PersistentSubscriber.source(last.all());
                figures = new Persistent(source.size(), source.size() - persistent.undelivered(last.all()),
                        persistent.deliveries(), persistent.redeliveries(), persistent.undelivered(last.all()),
                        persistent.phantoms(last.all()));
            }
            return new Totals(settings.rounds(), last.acknowledged(), last.verified(), last.lost(), last.partial(),
                    deliveries, figures, violations);
        } finally {
            node[0].destroy();
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    /** One round: load, SIGKILL, offline check, restart, verify. {@code node[0]} is the running node. */
    private Verifier.Result round(int round, NodeProcess[] node, Path log, List<String> violations) throws Exception {
        long loadMillis = (long) (settings.seconds() * 1000 * (0.2 + 0.8 * random.nextDouble()));
        KurrentDBClient client = connect(node[0]);
        long persistentRound;
        try {
            loadAndKill(node[0], client, round, loadMillis);
            persistentRound = persistent == null ? 0 : persistent.roundDeliveries();
        } finally {
            shutdown(client);
        }
        CheckReport check = StoreChecker.check(settings.db());
        // A kill can cut a batch's write short (a batch may take more than one write, across a
        // segment's end for one): that torn tail is an unacknowledged append, which the restart
        // discards and the verifier then checks is not partly visible. Anything else is damage.
        check.faults().forEach(f -> violations.add("round " + round + ": cairn check: " + f));
        node[0] = NodeProcess.start(settings.db(), log, settings.segmentSize(), Torture.NODE_JVM);
        client = connect(node[0]);
        Verifier.Result result;
        try {
            result = Verifier.verify(client, ledger);
            result.violations().forEach(v -> violations.add("round " + round + ": " + v));
            for (Subscriber s : subscribers) {
                s.check(result.all(), false).forEach(v -> violations.add("round " + round + ": " + v));
            }
        } finally {
            shutdown(client);
        }
        out.printf("round %d: killed after %d ms; %d events in $all, %d acknowledged events verified, "
                + "%d attempts unanswered so far, cairn check %s%n", round, loadMillis, result.all().size(),
                result.verified(), writers.stream().mapToInt(LoadWriter::unanswered).sum(),
                checkSummary(check));
        if (persistent != null) {
            out.printf("  persistent: %d deliveries this round, %d events delivered so far, %d redeliveries so far%n",
                    persistentRound, persistent.count(), persistent.redeliveries());
        }
        writers.forEach(w -> out.println("  writer: " + w.stats()));
        out.flush();
        return result;
    }

    private void loadAndKill(NodeProcess node, KurrentDBClient client, int round, long loadMillis) throws Exception {
        for (Subscriber s : subscribers) {
            s.start(client);
        }
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (LoadWriter w : writers) {
            threads.add(Thread.ofPlatform().name("torture-writer").start(() -> w.run(client, round, stopped::get)));
        }
        Thread.sleep(loadMillis);
        node.kill();
        stopped.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                throw new IllegalStateException("a writer did not stop within 60 s of the kill");
            }
        }
        subscribers.forEach(Subscriber::stop);
        writers.forEach(LoadWriter::forgetRevisions);
    }

    /** The subscribers resume once more and must end with exactly {@code $all}. */
    private long catchUp(NodeProcess node, Verifier.Result last, List<String> violations) throws Exception {
        if (last == null || subscribers.isEmpty()) {
            return 0;
        }
        KurrentDBClient client = connect(node);
        try {
            for (Subscriber s : subscribers) {
                s.start(client);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline
                    && subscribers.stream().anyMatch(s -> !s.caughtUp(last.all()))) {
                Thread.sleep(50);
            }
            subscribers.forEach(Subscriber::stop);
            long deliveries = 0;
            for (Subscriber s : subscribers) {
                s.check(last.all(), true).forEach(v -> violations.add("after catching up: " + v));
                if (s != persistent) {
                    deliveries += s.count();
                }
            }
            return deliveries;
        } finally {
            shutdown(client);
        }
    }

    private static String checkSummary(CheckReport check) {
        int faults = check.faults().size();
        String torn = check.tornTailAt() < 0 ? "" : "a torn tail at " + check.tornTailAt() + " (unacknowledged)";
        if (faults == 0) {
            return torn.isEmpty() ? "clean" : "clean but for " + torn;
        }
        return faults + " faults" + (torn.isEmpty() ? "" : " and " + torn);
    }

    private static KurrentDBClient connect(NodeProcess node) {
        return KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(node.connectionString()));
    }

    private static void shutdown(KurrentDBClient client) {
        try {
            client.shutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // a client whose node was killed may not shut down cleanly; it holds nothing we need
        }
    }
}
