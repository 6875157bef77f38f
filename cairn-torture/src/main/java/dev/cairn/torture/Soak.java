package dev.cairn.torture;

import dev.cairn.engine.check.StoreChecker;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cairn torture --soak DURATION}: the torture's load (writers and catch-up subscribers)
 * against one node for a fixed time, without kills, sampling the node at ten points: operations per
 * second, latency (p50, p99, max) of that interval, the node's heap after a full GC, resident
 * memory (anonymous, and file-backed: the memory-mapped log segments, which grow with the data read
 * and are reclaimable, so they are printed but not held flat), open file descriptors and threads. At the end everything is verified as after a torture
 * round, and what must stay flat is checked against the first sample (taken once the load has
 * warmed up): descriptors and threads may not grow by more than a few, the heap after GC by more
 * than half (plus 64 MiB of caches), and the last interval's p99 latency by more than four times
 * (plus 100 ms of noise). Linux only: it reads {@code /proc} and runs {@code jcmd}.
 *
 * <p>Not thread-safe; one soak per instance.
 */
final class Soak {

    /** One sample of the node. Memory in MiB; latencies in milliseconds. */
    record Sample(long atSeconds, double opsPerSecond, double p50, double p99, double max, long heapAfterGcMib,
            long rssAnonMib, long rssFileMib, int fds, int threads) {

        String line() {
            return String.format("%5d s  %7.1f ops/s  latency p50 %6.1f  p99 %7.1f  max %7.1f ms  heap %4d MiB  "
                    + "rss anon %4d file %4d MiB  fds %4d  threads %3d", atSeconds, opsPerSecond, p50, p99, max,
                    heapAfterGcMib, rssAnonMib, rssFileMib, fds, threads);
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Torture.Settings settings;
    private final Duration duration;
    private final PrintWriter out;
    private final Ledger ledger = new Ledger();
    private final List<Long> latencies = new ArrayList<>();

    Soak(Torture.Settings settings, Duration duration, PrintWriter out) {
        this.settings = settings;
        this.duration = duration;
        this.out = out;
    }

    /** Runs the soak; returns the violations found (empty when it held). */
    List<String> run() throws Exception {
        Path log = settings.db().resolveSibling(settings.db().getFileName() + "-node.log");
        out.printf("soak: %s of steady load, %d writers x %d streams, %d catch-up subscribers; node output in %s%n",
                duration, settings.writers(), settings.streamsPerWriter(), settings.subscribers(), log);
        out.flush();
        java.util.Random random = new java.util.Random(settings.seed());
        List<LoadWriter> writers = new ArrayList<>();
        for (int w = 0; w < settings.writers(); w++) {
            LoadWriter writer = new LoadWriter(w, settings.streamsPerWriter(), ledger, random.nextLong());
            writer.recordLatencies(this::latency);
            writers.add(writer);
        }
        List<Subscriber> subscribers = new ArrayList<>();
        for (int s = 0; s < settings.subscribers(); s++) {
            subscribers.add(new AllSubscriber(s));
        }
        List<String> violations = new ArrayList<>();
        NodeProcess node = NodeProcess.start(settings.db(), log);
        try {
            KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(node.connectionString()));
            AtomicBoolean stopped = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            List<Sample> samples = new ArrayList<>();
            try {
                for (Subscriber s : subscribers) {
                    s.start(client);
                }
                for (LoadWriter w : writers) {
                    threads.add(Thread.ofPlatform().name("soak-writer").start(() -> w.run(client, 1, stopped::get)));
                }
                long interval = Math.max(1_000, duration.toMillis() / 10);
                long started = System.nanoTime();
                long operationsBefore = 0;
                for (int i = 1; i <= 10; i++) {
                    Thread.sleep(Math.max(0, started + TimeUnit.MILLISECONDS.toNanos(interval * i) - System.nanoTime())
                            / 1_000_000);
                    Sample sample = sample(node, (System.nanoTime() - started) / 1_000_000_000, interval);
                    samples.add(sample);
                    out.println(sample.line());
                    out.flush();
                }
                stopped.set(true);
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(60));
                }
                Verifier.Result result = Verifier.verify(client, ledger);
                violations.addAll(result.violations());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && subscribers.stream().anyMatch(s -> s.count() < result.all().size())) {
                    Thread.sleep(50);
                }
                for (Subscriber s : subscribers) {
                    violations.addAll(s.check(result.all(), true));
                    s.stop();
                }
                out.printf("soak: %d events appended, %d acknowledged verified, %d subscription deliveries checked%n",
                        result.all().size(), result.verified(), subscribers.stream().mapToInt(Subscriber::count).sum());
                violations.addAll(flatness(samples));
            } finally {
                stopped.set(true);
                client.shutdown().get(10, TimeUnit.SECONDS);
            }
            int exit = node.stop();
            if (exit != 0) {
                violations.add("the node exited " + exit + " on SIGTERM");
            }
        } finally {
            node.destroy();
        }
        StoreChecker.check(settings.db()).faults().forEach(f -> violations.add("cairn check: " + f));
        return violations;
    }

    private synchronized void latency(long nanos) {
        latencies.add(nanos);
    }

    private Sample sample(NodeProcess node, long atSeconds, long intervalMillis) throws Exception {
        long[] taken;
        synchronized (this) {
            taken = latencies.stream().mapToLong(Long::longValue).toArray();
            latencies.clear();
        }
        Arrays.sort(taken);
        return new Sample(atSeconds, taken.length * 1000.0 / intervalMillis, percentile(taken, 0.50),
                percentile(taken, 0.99), taken.length == 0 ? 0 : taken[taken.length - 1] / 1e6,
                heapAfterGcMib(node.pid()), statusKib(node.pid(), "RssAnon") / 1024,
                statusKib(node.pid(), "RssFile") / 1024, fds(node.pid()),
                (int) statusKib(node.pid(), "Threads"));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** The node's used heap right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    private static long heapAfterGcMib(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    private static long statusKib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static int fds(long pid) throws IOException {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) files.count();
        }
    }

    /** What must stay flat, against the first sample. */
    static List<String> flatness(List<Sample> samples) {
        List<String> violations = new ArrayList<>();
        Sample first = samples.getFirst();
        Sample last = samples.getLast();
        if (last.fds() > first.fds() + 16) {
            violations.add("open file descriptors grew from " + first.fds() + " to " + last.fds());
        }
        if (last.threads() > first.threads() + 16) {
            violations.add("threads grew from " + first.threads() + " to " + last.threads());
        }
        if (first.heapAfterGcMib() >= 0 && last.heapAfterGcMib() > first.heapAfterGcMib() * 3 / 2 + 64) {
            violations.add("heap after GC grew from " + first.heapAfterGcMib() + " MiB to " + last.heapAfterGcMib() + " MiB");
        }
        if (last.p99() > first.p99() * 4 + 100) {
            violations.add("p99 latency drifted from " + first.p99() + " ms to " + last.p99() + " ms");
        }
        return violations;
    }
}
