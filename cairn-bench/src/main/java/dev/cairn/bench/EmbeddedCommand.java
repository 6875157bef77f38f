package dev.cairn.bench;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench embedded}: durable append throughput and latency of an embedded store for 1, 8
 * and 64 writers x 1 and 100 events per append, then stream and {@code $all} read rates, then the
 * disk's fdatasync ceiling for the same bytes, measured in the same run so the ratio holds even on
 * a noisy machine.
 */
@Command(name = "embedded", mixinStandardHelpOptions = true,
        description = "Benchmark an embedded store: durable appends (1/8/64 writers x 1/100 events per append), "
                + "stream and $all reads, and the disk's fdatasync ceiling in the same run.")
final class EmbeddedCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory; stores are created and deleted under it "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "bench-data")
    Path dir;

    @Option(names = "--seconds", description = "Measured seconds per write workload (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    double seconds;

    @Option(names = "--warmup", description = "Unmeasured seconds before each write workload (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    double warmup;

    @Option(names = "--writers", split = ",", description = "Writer thread counts (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,8,64")
    List<Integer> writerCounts;

    @Option(names = "--batches", split = ",", description = "Events per append (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,100")
    List<Integer> batches;

    @Option(names = "--streams", description = "Streams the writers pick from at random (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int streams;

    @Option(names = "--ceiling-seconds", description = "Seconds per disk-ceiling measurement (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    double ceilingSeconds;

    @Option(names = "--rounds", description = "Rounds per write workload, each between two disk-ceiling measurements; "
            + "the verdict uses the median ratio (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int rounds;

    @Option(names = "--virtual-threads", description = "Run each writer on a virtual thread instead of a platform "
            + "thread.")
    boolean virtualThreads;

    @Override
    public Integer call() throws Exception {
        BenchEvents events = new BenchEvents(streams);
        printWorkload();
        List<Measured> runs = new ArrayList<>();
        Path readStore = null;
        try (DiskCeiling disk = DiskCeiling.prepare(dir)) {
            System.out.println();
            System.out.println(Fmt.f("%-8s %-7s %-6s %12s %11s %8s %9s %9s %9s %9s", "writers", "ev/app", "round",
                    "events/s", "appends/s", "MB/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms"));
            for (int batch : batches) {
                for (int writers : writerCounts) {
                    Path storeDir = dir.resolve(Fmt.f("store-w%d-e%d", writers, batch));
                    Fmt.deleteRecursively(storeDir);
                    runs.addAll(measure(disk, storeDir, events, writers, batch));
                    if (readStore != null) {
                        Fmt.deleteRecursively(readStore);
                    }
                    readStore = storeDir;
                }
            }
        }
        if (readStore != null) {
            reads(readStore, events);
            Fmt.deleteRecursively(readStore);
        }
        printRatios(runs);
        return 0;
    }

    /** One round of a write workload and the disk ceiling for the same bytes, measured just before and just after it. */
    private record Measured(int round, WriteWorkload.Result cairn, DiskCeiling.Result before, DiskCeiling.Result after) {
        double ceiling() {
            return (before.recordsPerSecond() + after.recordsPerSecond()) / 2;
        }

        double ratio() {
            return cairn.appendsPerSecond() / ceiling();
        }
    }

    /**
     * Runs the workload {@code rounds} times on a fresh store each, with a disk-ceiling measurement
     * before the first round and after every round (the one after a round is also the one before
     * the next), so each round has the ceiling of its own minutes on a machine shared with others.
     */
    private List<Measured> measure(DiskCeiling disk, Path storeDir, BenchEvents events, int writers, int batch)
            throws Exception {
        // One "record" of the ceiling is one append as Cairn lays it out; N writers with one append
        // in flight each can put at most N appends behind one fdatasync, hence group = N.
        int bytes = BenchEvents.appendBytes(batch);
        List<Measured> out = new ArrayList<>();
        DiskCeiling.Result before = disk.measure(bytes, writers, ceilingSeconds);
        for (int round = 1; round <= rounds; round++) {
            Fmt.deleteRecursively(storeDir);
            WriteWorkload.Result r;
            try (EventStore store = Cairn.open(CairnOptions.builder(storeDir).build())) {
                r = new WriteWorkload(WriteWorkload.embedded(store, events), WriteWorkload.Callers.of(virtualThreads))
                        .run(writers, batch, warmup, seconds);
            }
            DiskCeiling.Result after = disk.measure(bytes, writers, ceilingSeconds);
            print(round, r);
            out.add(new Measured(round, r, before, after));
            before = after;
        }
        return out;
    }

    private void printWorkload() {
        System.out.println("workload: embedded store (Cairn.open, default options), " + BenchEvents.DATA_BYTES
                + "-byte JSON events of type " + BenchEvents.TYPE + ", " + Fmt.f("%,d", streams) + " streams ("
                + BenchEvents.streamName(0) + ".." + BenchEvents.streamName(streams - 1) + "), each append to a random "
                + "stream with StreamState.any(), one blocking append in flight per writer, each on a "
                + WriteWorkload.Callers.of(virtualThreads).describe());
        System.out.println(Fmt.f("log bytes: %d per event record, %d per single-event append (commit record included), "
                        + "%d per 100-event append", BenchEvents.eventRecordBytes(), BenchEvents.appendBytes(1),
                BenchEvents.appendBytes(100)));
        System.out.println(Fmt.f("durability: an append returns after its group's write + fdatasync; %.0f s warm-up + "
                + "%.0f s measured per workload, a fresh store each; dir %s", warmup, seconds, dir.toAbsolutePath()));
        System.out.println(Fmt.f("disk ceiling: %d rounds per workload, each just between two measurements (%.0f s each) "
                + "of one thread overwriting a pre-written %d MiB file with records of one append's bytes, N per write "
                + "+ fdatasync, N = writers", rounds, ceilingSeconds, DiskCeiling.FILE_SIZE >> 20));
    }

    private static void print(int round, WriteWorkload.Result r) {
        Histogram h = r.latency();
        double bytesPerEvent = BenchEvents.appendBytes(r.eventsPerAppend()) / (double) r.eventsPerAppend();
        System.out.println(Fmt.f("%-8d %-7d %-6d %12s %11s %8.1f %9s %9s %9s %9s", r.writers(), r.eventsPerAppend(), round,
                Fmt.rate(r.eventsPerSecond()), Fmt.rate(r.appendsPerSecond()),
                r.eventsPerSecond() * bytesPerEvent / (1 << 20),
                Fmt.millis(h.getValueAtPercentile(50)), Fmt.millis(h.getValueAtPercentile(99)),
                Fmt.millis(h.getValueAtPercentile(99.9)), Fmt.millis(h.getMaxValue())));
    }

    private static void printRatios(List<Measured> runs) {
        System.out.println();
        System.out.println("ratios: Cairn appends/s / disk ceiling records/s (records of one append's bytes, group = "
                + "writers; ceiling = mean of the measurements just before and after the round)");
        System.out.println(Fmt.f("%-8s %-7s %-6s %11s %14s %14s %7s", "writers", "ev/app", "round", "appends/s",
                "disk before", "disk after", "ratio"));
        for (Measured m : runs) {
            WriteWorkload.Result c = m.cairn();
            System.out.println(Fmt.f("%-8d %-7d %-6d %11s %14s %14s %7s", c.writers(), c.eventsPerAppend(), m.round(),
                    Fmt.rate(c.appendsPerSecond()), Fmt.rate(m.before().recordsPerSecond()),
                    Fmt.rate(m.after().recordsPerSecond()), Fmt.percent(m.ratio())));
        }
        System.out.println();
        System.out.println("median round (by ratio) of each workload:");
        Map<List<Integer>, List<Measured>> byWorkload = new LinkedHashMap<>();
        for (Measured m : runs) {
            byWorkload.computeIfAbsent(List.of(m.cairn().writers(), m.cairn().eventsPerAppend()), k -> new ArrayList<>())
                    .add(m);
        }
        for (Map.Entry<List<Integer>, List<Measured>> e : byWorkload.entrySet()) {
            int writers = e.getKey().get(0);
            int batch = e.getKey().get(1);
            List<Measured> ms = e.getValue();
            Measured mid = medianRound(ms);
            double ratio = mid.ratio();
            String verdict = writers == 64 && batch == 1 ? (ratio >= 0.6 ? "  (aim >= 60%: met)" : "  (aim >= 60%: NOT met)")
                    : "";
            System.out.println(Fmt.f("  Cairn %2d writers x %3d events/append: round %d, %10s events/s, p99 %s ms, ratio "
                    + "to the disk ceiling at group %d: %s (all rounds: %s)%s", writers, batch, mid.round(),
                    Fmt.rate(mid.cairn().eventsPerSecond()), Fmt.millis(mid.cairn().latency().getValueAtPercentile(99)),
                    writers, Fmt.percent(ratio),
                    String.join(", ", ms.stream().map(m -> Fmt.percent(m.ratio())).toList()), verdict));
        }
    }

    /** The round whose ratio is the median (the lower middle one for an even count). */
    private static Measured medianRound(List<Measured> rounds) {
        List<Measured> sorted = new ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(Measured::ratio));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static void reads(Path storeDir, BenchEvents events) throws Exception {
        try (EventStore store = Cairn.open(CairnOptions.builder(storeDir).build())) {
            long head = store.headPosition().commit();
            System.out.println();
            System.out.println(Fmt.f("reads: one thread, on the store of the last write workload (%,d MiB of log, page "
                    + "cache warm: just written)", head >> 20));
            ReadWorkload reads = new ReadWorkload(store, events);
            for (ReadWorkload.Result r : List.of(reads.streams(), reads.all())) {
                System.out.println(Fmt.f("  %-62s %,12d events in %6.2f s = %12s events/s", r.what(), r.events(),
                        r.nanos() / 1e9, Fmt.rate(r.eventsPerSecond())));
            }
        }
    }
}
