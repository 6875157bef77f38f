package dev.cairn.bench;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the CPU of single-event appends goes: N writer threads append one 200-byte event each to a
 * random one of 10,000 streams (as {@code bench embedded} does) on a fresh store under
 * {@code DIR}, and the probe prints appends/s, the process's CPU time per append and each thread
 * group's share of it (writer, sync, index, completer, the callers). Run directly:
 * {@code java -cp "cairn-bench/target/cairn-bench-0.1.0-SNAPSHOT.jar:cairn-bench/target/lib/*"
 * dev.cairn.bench.CpuPerAppend DIR WRITERS SECONDS [WARMUP_MS]}.
 */
public final class CpuPerAppend {

    private CpuPerAppend() {
    }

    public static void main(String[] a) throws Exception {
        if (a.length < 3) {
            System.err.println("usage: CpuPerAppend DIR WRITERS SECONDS [WARMUP_MS]");
            System.exit(2);
        }
        Path scratch = Path.of(a[0]);
        Files.createDirectories(scratch);
        a = Arrays.copyOfRange(a, 1, a.length);
        int writers = Integer.parseInt(a[0]);
        double seconds = Double.parseDouble(a[1]);
        Path dir = Files.createTempDirectory(scratch, "cpu-per-append");
        String[] names = new String[10000];
        for (int i = 0; i < names.length; i++) {
            names[i] = BenchEvents.streamName(i);
        }
        // a 200-byte JSON string value
        byte[] data = new byte[BenchEvents.DATA_BYTES];
        Arrays.fill(data, (byte) 'a');
        data[0] = '"';
        data[data.length - 1] = '"';
        EventType type = EventType.of("OrderPlaced");
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        try (EventStore store = Cairn.open(CairnOptions.builder(dir).build())) {
            AtomicInteger phase = new AtomicInteger();
            LongAdder count = new LongAdder();
            long[] lat = new long[4_000_000]; // latencies of the first 4 M measured appends
            AtomicInteger li = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                ts.add(Thread.ofPlatform().name("bench-writer-" + w).start(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (phase.get() < 2) {
                        EventData e = new EventData(new UUID(r.nextLong(), r.nextLong()), type, ContentType.JSON, data, new byte[0]);
                        long t0 = System.nanoTime();
                        store.append(StreamName.of(names[r.nextInt(names.length)]), StreamState.any(), List.of(e));
                        if (phase.get() == 1) {
                            count.increment();
                            int k = li.getAndIncrement();
                            if (k < lat.length) {
                                lat[k] = System.nanoTime() - t0;
                            }
                        }
                    }
                }));
            }
            Thread.sleep(a.length > 2 ? Long.parseLong(a[2]) : 2000);
            Map<String, Long> before = threadCpu(tm);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            phase.set(1);
            Thread.sleep((long) (seconds * 1000));
            long n = count.sum();
            long cpu1 = os.getProcessCpuTime();
            long t1 = System.nanoTime();
            Map<String, Long> after = threadCpu(tm);
            phase.set(2);
            for (Thread t : ts) {
                t.join();
            }
            double secs = (t1 - t0) / 1e9;
            int m = Math.min(li.get(), lat.length);
            long[] l = Arrays.copyOf(lat, m);
            Arrays.sort(l);
            System.out.printf("writers %d appends/s %.0f cpu_us/append %.1f cpu_cores %.2f p50 %.2f ms p99 %.2f ms%n", writers, n / secs,
                (cpu1 - cpu0) / 1e3 / n, (cpu1 - cpu0) / 1e9 / secs, l[m / 2] / 1e6, l[(int) (m * 0.99)] / 1e6);
            Map<String, Long> agg = new TreeMap<>();
            after.forEach((k, v) -> agg.merge(k.replaceAll("\\d*#\\d+$", "#"), v - before.getOrDefault(k, 0L), Long::sum));
            StringBuilder sb = new StringBuilder("  us/append:");
            agg.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(8)
                .forEach(e -> sb.append(String.format(" %s=%.1f", e.getKey(), e.getValue() / 1e3 / n)));
            System.out.println(sb);
        }
        try (var w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Map<String, Long> threadCpu(ThreadMXBean tm) {
        Map<String, Long> m = new HashMap<>();
        for (ThreadInfo ti : tm.getThreadInfo(tm.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long c = tm.getThreadCpuTime(ti.getThreadId());
            if (c > 0) {
                m.put(ti.getThreadName() + "#" + ti.getThreadId(), c);
            }
        }
        return m;
    }
}
