package dev.cairn.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The runs behind {@code compare}: the same append and read workloads on each system, one system
 * after the other, with the disk's fdatasync ceiling for the appends measured before the first
 * system and again after the last.
 *
 * <p>Each Cairn system gets a fresh store and PostgreSQL a fresh cluster (or an emptied table);
 * the three append workloads run on it in order, then the {@link ReadSet} is written (the same on
 * every system) and read: every read stream fully (read-stream) and the first events of the global
 * log (read-all). So every system reads the same number of events of the same shape. Not
 * thread-safe.
 */
final class Comparison {

    /** An append workload: {@code clients} concurrent writers, {@code eventsPerAppend} events each append. */
    record Workload(String name, int clients, int eventsPerAppend) {
    }

    static final List<Workload> APPENDS = List.of(new Workload("append-1x64", 64, 1), new Workload("append-1x8", 8, 1),
            new Workload("append-100x8", 8, 100));
    static final String READ_STREAM = "read-stream";
    static final String READ_ALL = "read-all";
    static final List<String> WORKLOADS = List.of("append-1x64", "append-1x8", "append-100x8", READ_STREAM, READ_ALL);
    static final String DISK = "disk";
    static final List<String> SYSTEMS = List.of(DISK, "cairn-embedded", "cairn-grpc", "postgres");

    /**
     * What to run and how long. {@code jdbcUrl} (may be null) is an existing PostgreSQL to use
     * instead of starting one; {@code sharedClient}: cairn-grpc's writers share one client.
     */
    record Settings(List<String> systems, double seconds, double warmup, double systemWarmup, int streams,
            int eventBytes, int readStreams, int readStreamEvents, long readAllEvents, int readWarmup, long segmentMib,
            Path dir, String jdbcUrl, boolean sharedClient) {

        Settings {
            for (String s : systems) {
                if (!SYSTEMS.contains(s)) {
                    throw new IllegalArgumentException("unknown system '" + s + "': one of " + SYSTEMS);
                }
            }
            if (seconds <= 0 || warmup < 0 || systemWarmup < 0 || readWarmup < 0) {
                throw new IllegalArgumentException(
                        "--seconds must be positive, --warmup, --system-warmup and --read-warmup not negative");
            }
        }
    }

    private final Settings settings;
    private final BenchEvents events;
    private final ReadSet readSet;
    private final PrintStream out;
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final Map<String, List<DiskCeiling.Result>> disk = new LinkedHashMap<>();
    private BenchTarget target;
    private final AtomicLong written = new AtomicLong();

    Comparison(Settings settings, PrintStream out) {
        this.settings = settings;
        this.events = new BenchEvents(settings.streams(), settings.eventBytes());
        this.readSet = new ReadSet("read-", settings.readStreams(), settings.readStreamEvents(),
                settings.readAllEvents(), settings.eventBytes());
        this.out = out;
    }

    /** The systems' own descriptions, in the order they ran. */
    Map<String, String> descriptions() {
        return descriptions;
    }

    /** Runs everything; the figures in workload order, systems in {@link #SYSTEMS} order within each. */
    List<Figure> run(PrintStream progress) throws Exception {
        List<Progress.Phase> phases = new ArrayList<>();
        boolean withDisk = settings.systems().contains(DISK);
        if (withDisk) {
            phases.add(new Progress.Phase("disk ceiling (before the systems)", 3 * settings.seconds() + 3, this::disk));
        }
        for (String system : SYSTEMS) {
            if (system.equals(DISK) || !settings.systems().contains(system)) {
                continue;
            }
            phases.add(new Progress.Phase(system + ": start", 3, () -> open(system)));
            if (settings.systemWarmup() > 0) {
                phases.add(new Progress.Phase(Fmt.f("%s: system warm-up (%.1f s, unmeasured)", system,
                        settings.systemWarmup()), settings.systemWarmup(), this::warmUp));
            }
            for (Workload w : APPENDS) {
                phases.add(new Progress.Phase(Fmt.f("%s: %s (%d clients x %d events, %.1f s warm-up + %.1f s)", system,
                        w.name(), w.clients(), w.eventsPerAppend(), settings.warmup(), settings.seconds()),
                        settings.warmup() + settings.seconds(), () -> append(system, w)));
            }
            phases.add(new Progress.Phase(system + ": write the read set", settings.seconds(),
                    () -> readSet.write(target, events, written)));
            phases.add(new Progress.Phase(system + ": read-stream and read-all",
                    (2 + settings.readWarmup()) * settings.seconds(), () -> reads(system)));
            phases.add(new Progress.Phase(system + ": stop", 1, this::closeTarget));
        }
        if (withDisk) {
            phases.add(new Progress.Phase("disk ceiling (after the systems)", 3 * settings.seconds(), this::disk));
        }
        try {
            new Progress(progress).run(phases);
        } finally {
            closeTarget();
        }
        return ordered();
    }

    private void disk() throws Exception {
        try (DiskCeiling ceiling = DiskCeiling.prepare(settings.dir().resolve("disk"), settings.segmentMib() << 20)) {
            for (Workload w : APPENDS) {
                // one record is one append's bytes in Cairn's log; N clients share at most one fdatasync per N appends
                disk.computeIfAbsent(w.name(), k -> new ArrayList<>()).add(ceiling.measure(
                        BenchEvents.appendBytes(w.eventsPerAppend(), settings.eventBytes()), w.clients(),
                        settings.seconds()));
            }
        } finally {
            Fmt.deleteRecursively(settings.dir().resolve("disk"));
        }
    }

    private void open(String system) throws Exception {
        written.set(0);
        Path store = settings.dir().resolve("compare-" + system);
        target = switch (system) {
            case "cairn-embedded" -> EmbeddedTarget.open(EmbeddedTarget.options(store, settings.segmentMib()));
            case "cairn-grpc" -> GrpcTarget.start(EmbeddedTarget.options(store, settings.segmentMib()),
                    settings.sharedClient());
            case "postgres" -> settings.jdbcUrl() != null ? PostgresTarget.open(settings.jdbcUrl(), null)
                    : PostgresTarget.start(settings.dir().resolve("postgres"));
            default -> throw new IllegalArgumentException(system);
        };
        descriptions.put(system, target.description());
        out.println(target.description());
    }

    /**
     * Runs the append workloads unmeasured, each for a third of the system warm-up: a JVM compiles
     * its hot paths only after minutes on a small machine, and a figure taken before that measures
     * the compiler. The events count toward the read set's top-up like any others.
     */
    private void warmUp() throws Exception {
        for (Workload w : APPENDS) {
            try (BenchTarget.Writers writers = target.writers(w.clients(), events).counting(written)) {
                new WriteWorkload(writers.target()).run(w.clients(), w.eventsPerAppend(), 0,
                        settings.systemWarmup() / APPENDS.size());
            }
        }
    }

    private void append(String system, Workload w) throws Exception {
        long conflictsBefore = conflicts();
        WriteWorkload.Result r;
        try (BenchTarget.Writers writers = target.writers(w.clients(), events).counting(written)) {
            r = new WriteWorkload(writers.target()).run(w.clients(), w.eventsPerAppend(), settings.warmup(),
                    settings.seconds());
        }
        String note = Fmt.f("%s appends/s", Fmt.rate(r.appendsPerSecond()));
        if (target instanceof PostgresTarget) {
            note += Fmt.f(", %,d appends retried after a version conflict", conflicts() - conflictsBefore);
        }
        figures.add(Figure.of(w.name(), system, r, note));
    }

    private long conflicts() {
        return target instanceof PostgresTarget p ? p.conflicts() : 0;
    }

    private void reads(String system) throws Exception {
        List<ReadWorkload.Result> reads = readSet.read(target, settings.readWarmup());
        figures.add(Figure.of(READ_STREAM, system, reads.get(0)));
        figures.add(Figure.of(READ_ALL, system, reads.get(1)));
    }

    private void closeTarget() throws Exception {
        if (target != null) {
            BenchTarget t = target;
            target = null;
            t.close();
        }
    }

    /** The disk figures (mean of before and after) and the systems' figures, by workload then system. */
    private List<Figure> ordered() {
        List<Figure> all = new ArrayList<>(figures);
        for (Workload w : APPENDS) {
            List<DiskCeiling.Result> runs = disk.get(w.name());
            if (runs == null) {
                continue;
            }
            Histogram latency = new Histogram(60_000_000_000L, 3);
            double appendsPerSecond = 0;
            long records = 0;
            double seconds = 0;
            List<String> each = new ArrayList<>();
            for (DiskCeiling.Result r : runs) {
                latency.add(r.latency());
                appendsPerSecond += r.recordsPerSecond() / runs.size();
                records += r.records();
                seconds += r.nanos() / 1e9;
                each.add(Fmt.rate(r.recordsPerSecond() * w.eventsPerAppend()));
            }
            all.add(new Figure(w.name(), DISK, appendsPerSecond * w.eventsPerAppend(), records * w.eventsPerAppend(),
                    seconds, latency, Fmt.f("%d-byte records, %d per write + fdatasync; mean of %s events/s (before, "
                            + "after)", runs.get(0).recordBytes(), w.clients(), String.join(" and ", each))));
        }
        all.sort((a, b) -> {
            int byWorkload = Integer.compare(WORKLOADS.indexOf(a.workload()), WORKLOADS.indexOf(b.workload()));
            return byWorkload != 0 ? byWorkload : Integer.compare(SYSTEMS.indexOf(a.system()), SYSTEMS.indexOf(b.system()));
        });
        return all;
    }
}
