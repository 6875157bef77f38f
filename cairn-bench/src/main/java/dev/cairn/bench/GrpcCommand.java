package dev.cairn.bench;

import dev.cairn.api.EventStore;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import io.kurrent.dbclient.KurrentDBClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench grpc}: the embedded workloads of {@code bench embedded} made over gRPC by the
 * official KurrentDB Java client against a node in this process, each beside the same workload on
 * an embedded store, in one run, so the cost of the network face shows as a ratio that holds on a
 * noisy machine.
 *
 * <p>For each workload (connections x events per append) it runs the embedded side, then the gRPC
 * side, each on a fresh store; then reads {@code $all} and every stream of the last gRPC store
 * through the client and embedded, alternating, and reports the best of the rounds of each.
 */
@Command(name = "grpc", mixinStandardHelpOptions = true,
        description = "Benchmark the gRPC face: durable appends (1/8/64 client connections x 1/100 events per "
                + "append) and $all and stream reads through the official KurrentDB Java client against a node "
                + "in this process, each beside the same workload on an embedded store.")
final class GrpcCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory; stores are created and deleted under it "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "bench-data")
    Path dir;

    @Option(names = "--seconds", description = "Measured seconds per write workload and side (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "5")
    double seconds;

    @Option(names = "--warmup", description = "Unmeasured seconds before each write workload and side (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "1")
    double warmup;

    @Option(names = "--connections", split = ",", description = "Client connections, one writer thread each; "
            + "embedded: writer threads (default: ${DEFAULT-VALUE}).", defaultValue = "1,8,64")
    List<Integer> connectionCounts;

    @Option(names = "--batches", split = ",", description = "Events per append (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,100")
    List<Integer> batches;

    @Option(names = "--streams", description = "Streams the writers pick from at random (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int streams;

    @Option(names = "--read-rounds", description = "Rounds of reads, each embedded then gRPC; the best round of "
            + "each side is compared (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int readRounds;

    @Option(names = "--segment-mib", description = "Log segment size of the stores, MiB; smaller is cheaper to "
            + "pre-write (default: Cairn's default, ${DEFAULT-VALUE}).", defaultValue = "256")
    long segmentMib;

    @Option(names = "--jvm-warmup", description = "Unreported seconds at the start, half embedded, half over gRPC "
            + "(8 writers, 1 and 100 events per append), so that the first workloads do not pay for loading and "
            + "compiling the gRPC stack (default: ${DEFAULT-VALUE}).", defaultValue = "8")
    double jvmWarmup;

    /** One workload, both sides. */
    private record Pair(WriteWorkload.Result embedded, WriteWorkload.Result grpc) {
        double ratio() {
            return grpc.appendsPerSecond() / embedded.appendsPerSecond();
        }
    }

    @Override
    public Integer call() throws Exception {
        BenchEvents events = new BenchEvents(streams);
        Files.createDirectories(dir);
        printWorkload();
        warmUpJvm(events);
        System.out.println();
        System.out.println(Fmt.f("%-6s %-7s %-9s %12s %11s %9s %9s %9s %9s %8s", "conns", "ev/app", "side", "events/s",
                "appends/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "grpc/emb"));
        List<Pair> pairs = new ArrayList<>();
        Path readStore = null;
        for (int batch : batches) {
            for (int connections : connectionCounts) {
                WriteWorkload.Result embedded = embedded(events, connections, batch, warmup, seconds);
                print("embedded", embedded, "");
                Path grpcStore = dir.resolve(Fmt.f("grpc-c%d-e%d", connections, batch));
                WriteWorkload.Result grpc = grpc(grpcStore, events, connections, batch, warmup, seconds);
                Pair pair = new Pair(embedded, grpc);
                print("grpc", grpc, Fmt.percent(pair.ratio()));
                pairs.add(pair);
                if (readStore != null) {
                    Fmt.deleteRecursively(readStore);
                }
                readStore = grpcStore;
            }
        }
        printSummary(pairs);
        if (readStore != null) {
            reads(readStore, events);
            Fmt.deleteRecursively(readStore);
        }
        System.out.println();
        System.out.println("load average at the end: " + Fmt.loadAverage());
        return 0;
    }

    /** Runs both sides unmeasured on scratch stores; the JIT compiles both paths before any figure is taken. */
    private void warmUpJvm(BenchEvents events) throws Exception {
        if (jvmWarmup <= 0) {
            return;
        }
        double each = jvmWarmup / 4;
        Path scratch = dir.resolve("jvm-warmup");
        for (int batch : List.of(1, 100)) {
            embedded(events, 8, batch, 0, each);
            grpc(scratch, events, 8, batch, 0, each);
            Fmt.deleteRecursively(scratch);
        }
    }

    private CairnOptions options(Path storeDir) {
        return EmbeddedTarget.options(storeDir, segmentMib);
    }

    private WriteWorkload.Result embedded(BenchEvents events, int writers, int batch, double warmupSeconds,
            double measuredSeconds) throws Exception {
        Path storeDir = dir.resolve(Fmt.f("embedded-c%d-e%d", writers, batch));
        Fmt.deleteRecursively(storeDir);
        try (EventStore store = Cairn.open(options(storeDir))) {
            return new WriteWorkload(store, events).run(writers, batch, warmupSeconds, measuredSeconds);
        } finally {
            Fmt.deleteRecursively(storeDir);
        }
    }

    private WriteWorkload.Result grpc(Path storeDir, BenchEvents events, int connections, int batch,
            double warmupSeconds, double measuredSeconds) throws Exception {
        Fmt.deleteRecursively(storeDir);
        try (GrpcNode node = GrpcNode.start(options(storeDir))) {
            List<KurrentDBClient> clients = node.clients(connections);
            try {
                return new WriteWorkload(ClientWorkloads.appends(clients, events)).run(connections, batch,
                        warmupSeconds, measuredSeconds);
            } finally {
                GrpcNode.shutdown(clients);
            }
        }
    }

    private void printWorkload() {
        System.out.println("workload: " + BenchEvents.DATA_BYTES + "-byte JSON events of type " + BenchEvents.TYPE
                + ", " + Fmt.f("%,d", streams) + " streams (" + BenchEvents.streamName(0) + ".."
                + BenchEvents.streamName(streams - 1) + "), each append to a random stream with StreamState any, one "
                + "blocking append in flight per writer thread");
        System.out.println("embedded: Cairn.open, writer threads call EventStore.append");
        System.out.println("grpc: the same store served by CairnServer in this process (plain text, loopback), one "
                + "official KurrentDB Java client (io.kurrent:kurrentdb-client) per writer thread, hence one "
                + "connection each; appendToStream with all the append's events in one call (v1 Append)");
        System.out.println(Fmt.f("durability: an append returns after its group's write + fdatasync; %.1f s warm-up + "
                        + "%.1f s measured per workload and side, embedded first, a fresh store each (%d MiB segments), "
                        + "after %.1f s of unreported JVM warm-up; dir %s", warmup, seconds, segmentMib, jvmWarmup,
                dir.toAbsolutePath()));
        System.out.println(Fmt.f("log bytes: %d per single-event append, %d per 100-event append; load average at the "
                + "start: %s", BenchEvents.appendBytes(1), BenchEvents.appendBytes(100), Fmt.loadAverage()));
    }

    private static void print(String side, WriteWorkload.Result r, String ratio) {
        Histogram h = r.latency();
        System.out.println(Fmt.f("%-6d %-7d %-9s %12s %11s %9s %9s %9s %9s %8s", r.writers(), r.eventsPerAppend(), side,
                Fmt.rate(r.eventsPerSecond()), Fmt.rate(r.appendsPerSecond()), Fmt.millis(h.getValueAtPercentile(50)),
                Fmt.millis(h.getValueAtPercentile(99)), Fmt.millis(h.getValueAtPercentile(99.9)),
                Fmt.millis(h.getMaxValue()), ratio));
    }

    private static void printSummary(List<Pair> pairs) {
        System.out.println();
        System.out.println("side by side (grpc/emb = gRPC appends/s over embedded appends/s):");
        System.out.println(Fmt.f("%-6s %-7s | %12s %11s %8s %8s | %12s %11s %8s %8s | %8s", "conns", "ev/app",
                "emb ev/s", "emb app/s", "p50 ms", "p99 ms", "grpc ev/s", "grpc app/s", "p50 ms", "p99 ms", "grpc/emb"));
        for (Pair p : pairs) {
            WriteWorkload.Result e = p.embedded();
            WriteWorkload.Result g = p.grpc();
            System.out.println(Fmt.f("%-6d %-7d | %12s %11s %8s %8s | %12s %11s %8s %8s | %8s", e.writers(),
                    e.eventsPerAppend(), Fmt.rate(e.eventsPerSecond()), Fmt.rate(e.appendsPerSecond()),
                    Fmt.millis(e.latency().getValueAtPercentile(50)), Fmt.millis(e.latency().getValueAtPercentile(99)),
                    Fmt.rate(g.eventsPerSecond()), Fmt.rate(g.appendsPerSecond()),
                    Fmt.millis(g.latency().getValueAtPercentile(50)), Fmt.millis(g.latency().getValueAtPercentile(99)),
                    Fmt.percent(p.ratio())));
        }
    }

    /**
     * Reads the store of the last gRPC workload through one client and embedded (the same open
     * store, page cache warm: just written), alternating so neither side always goes first.
     */
    private void reads(Path storeDir, BenchEvents events) throws Exception {
        try (GrpcNode node = GrpcNode.start(options(storeDir))) {
            List<KurrentDBClient> client = node.clients(1);
            try {
                System.out.println();
                System.out.println(Fmt.f("reads: one thread, on the store of the last gRPC workload (%,d MiB of log, "
                        + "page cache warm), %d rounds; gRPC: readAllReactive and blocking readStream per stream",
                        node.store().headPosition().commit() >> 20, readRounds));
                ReadWorkload embedded = new ReadWorkload(node.store(), events);
                List<List<ReadWorkload.Result>> rounds = new ArrayList<>();
                for (int round = 1; round <= readRounds; round++) {
                    List<ReadWorkload.Result> results = List.of(embedded.all(), ClientWorkloads.all(client.get(0)),
                            embedded.streams(), ClientWorkloads.streams(client.get(0), events));
                    printReads(round, results);
                    rounds.add(results);
                }
                System.out.println("best round of each side:");
                printBest("$all forwards", rounds, 0, 1);
                printBest("every stream fully", rounds, 2, events.streamCount());
            } finally {
                GrpcNode.shutdown(client);
            }
        }
    }

    private static void printReads(int round, List<ReadWorkload.Result> results) {
        String[] sides = {"embedded", "grpc", "embedded", "grpc"};
        for (int i = 0; i < results.size(); i++) {
            ReadWorkload.Result r = results.get(i);
            System.out.println(Fmt.f("  round %d %-9s %-62s %,12d events in %6.2f s = %12s events/s", round, sides[i],
                    r.what(), r.events(), r.nanos() / 1e9, Fmt.rate(r.eventsPerSecond())));
        }
    }

    /**
     * The best embedded (index {@code at}) and gRPC (index {@code at + 1}) figures over the rounds;
     * with more than one read call per round, the calls per second too.
     */
    private static void printBest(String what, List<List<ReadWorkload.Result>> rounds, int at, int calls) {
        ReadWorkload.Result embedded = best(rounds, at);
        ReadWorkload.Result grpc = best(rounds, at + 1);
        // both sides read the same store, so they must see the same events
        boolean same = rounds.stream().allMatch(r -> r.get(at).events() == r.get(at + 1).events());
        String perCall = calls == 1 ? "" : Fmt.f(" (%s and %s read calls/s)", Fmt.rate(calls * 1e9 / embedded.nanos()),
                Fmt.rate(calls * 1e9 / grpc.nanos()));
        System.out.println(Fmt.f("  %-20s embedded %12s events/s, grpc %12s events/s, grpc/emb %s%s%s", what,
                Fmt.rate(embedded.eventsPerSecond()), Fmt.rate(grpc.eventsPerSecond()),
                Fmt.percent(grpc.eventsPerSecond() / embedded.eventsPerSecond()), perCall,
                same ? "" : "  (MISMATCH: the sides read different numbers of events)"));
    }

    private static ReadWorkload.Result best(List<List<ReadWorkload.Result>> rounds, int at) {
        return rounds.stream().map(r -> r.get(at)).max(Comparator.comparingDouble(ReadWorkload.Result::eventsPerSecond))
                .orElseThrow();
    }
}
