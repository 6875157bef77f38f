package dev.cairn.torture;

import dev.cairn.engine.check.StoreChecker;
import dev.cairn.server.NodeProcess;
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
 * and are reclaimable, so they are printed but not held flat), open file descriptors (those on log
 * segments apart: a node keeps each segment open, so they grow with the log) and threads. At the end
 * everything is verified as after a torture round, and what must stay flat is checked (see
 * {@link #flatness}). Linux only: it reads {@code /proc} and runs {@code jcmd}.
 *
 * <p>Not thread-safe; one soak per instance.
 */
final class Soak {

    /** One sample of the node. Memory in MiB; latencies in milliseconds. */
    record Sample(long atSeconds, double opsPerSecond, double p50, double p99, double max, long heapAfterGcMib,
            long rssAnonMib, long rssFileMib, int fds, int segmentFds, int threads) {

        String line() {
            return String.format("%5d s  %7.1f ops/s  latency p50 %6.1f  p99 %7.1f  max %7.1f ms  heap %4d MiB  "
                    + "rss anon %4d file %4d MiB  fds %4d + %d segments  threads %3d", atSeconds, opsPerSecond, p50,
                    p99, max, heapAfterGcMib, rssAnonMib, rssFileMib, fds, segmentFds, threads);
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
        NodeProcess node = NodeProcess.start(settings.db(), log, settings.segmentSize(), Torture.NODE_JVM);
        try {
            KurrentDBClient client = KurrentDBClient.create(
                    KurrentDBConnectionString.parseOrThrow(node.connectionString()));
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
                while (System.nanoTime() < deadline
                        && subscribers.stream().anyMatch(s -> !s.caughtUp(result.all()))) {
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
        StoreChecker.check(settings.db()).findings().forEach(f -> violations.add("cairn check: " + f));
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
                statusKib(node.pid(), "RssFile") / 1024, fds(node.pid(), false), fds(node.pid(), true),
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

    /**
     * Open descriptors of the node: those on log segments ({@code segments}), or all the others. A
     * node keeps every segment open, so those grow with the log by design and are counted apart.
     */
    private static int fds(long pid, boolean segments) throws IOException {
        int n = 0;
        try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) files::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while we looked
                }
                if (target.endsWith(".seg") == segments) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * What must stay flat. The first sample is warm-up (caches and RocksDB files still filling);
     * the baseline is the highest of the next four, and the last three may not exceed it by more
     * than the allowance: a trend, not one noisy sample.
     */
    static List<String> flatness(List<Sample> samples) {
        List<String> violations = new ArrayList<>();
        List<Sample> base = samples.subList(Math.min(1, samples.size() - 1), Math.min(5, samples.size()));
        List<Sample> end = samples.subList(Math.max(0, samples.size() - 3), samples.size());
        check(violations, "open file descriptors (other than segments)", base, end, Sample::fds, 16);
        check(violations, "threads", base, end, Sample::threads, 16);
        if (samples.getFirst().heapAfterGcMib() >= 0) {
            long heap = base.stream().mapToLong(Sample::heapAfterGcMib).max().orElseThrow();
            check(violations, "heap after GC (MiB)", base, end, Sample::heapAfterGcMib, heap / 2 + 64);
        }
        double p99 = base.stream().mapToDouble(Sample::p99).max().orElseThrow();
        double lastP99 = samples.getLast().p99();
        if (lastP99 > p99 * 4 + 100) {
            violations.add("p99 latency drifted from at most " + p99 + " ms to " + lastP99 + " ms");
        }
        return violations;
    }

    private static void check(List<String> violations, String what, List<Sample> base, List<Sample> end,
            java.util.function.ToLongFunction<Sample> value, long allowance) {
        long baseline = base.stream().mapToLong(value).max().orElseThrow();
        long last = end.stream().mapToLong(value).min().orElseThrow();
        if (last > baseline + allowance) {
            violations.add(what + " grew from at most " + baseline + " to at least " + last);
        }
    }
}
