package dev.cairn.bench;

import dev.cairn.engine.CairnOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench client-ceiling}: how fast the official KurrentDB Java client can append and
 * read on this machine at all, beside a Cairn node, in one run. The ceiling is the client against
 * {@link NullStreamsServer}, which stores nothing and answers at once; the same workload against a
 * Cairn node ({@code cairn start}) shows what share of that ceiling the node reaches. The reads are
 * {@code compare}'s: a {@link ReadSet}'s streams read fully, then the start of {@code $all}. Both
 * servers run in processes of their own; the clients run in this one.
 */
@Command(name = "client-ceiling", mixinStandardHelpOptions = true,
        description = "The official Java client's own append and read ceilings on this machine (against a server "
                + "that stores nothing and answers at once) beside the same workloads against a Cairn node.")
final class ClientCeilingCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Scratch directory for the node's store, deleted at the end (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "bench-data")
    Path dir;

    @Option(names = "--clients", split = ",", description = "Client counts, one blocking append in flight each "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "64,8")
    List<Integer> clients;

    @Option(names = "--batches", split = ",", description = "Events per append (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,100")
    List<Integer> batches;

    @Option(names = "--seconds", description = "Measured seconds per workload and server (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double seconds;

    @Option(names = "--warmup", description = "Unmeasured seconds before each workload and server (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "3")
    double warmup;

    @Option(names = "--jvm-warmup", description = "Unmeasured seconds of appends first, half on each server, so that "
            + "this JVM and the node's have compiled their hot paths (default: ${DEFAULT-VALUE}).", defaultValue = "60")
    double jvmWarmup;

    @Mixin
    ReadSetOptions readSet;

    @Option(names = "--shared-client", description = "The writers append through one client, hence one connection, "
            + "on both servers (default: a client and a connection per writer).")
    boolean sharedClient;

    @Override
    public Integer call() throws Exception {
        // refuses an empty read set or a negative warm-up before a server is started
        if (readSet.readWarmup < 0) {
            throw new IllegalArgumentException("--read-warmup must not be negative, was " + readSet.readWarmup);
        }
        ReadSet reads = new ReadSet("read-", readSet.readStreams, readSet.readStreamEvents, readSet.readAllEvents,
                BenchEvents.DATA_BYTES);
        BenchEvents events = new BenchEvents(10_000);
        Files.createDirectories(dir);
        Path store = dir.resolve("client-ceiling-store");
        System.out.println(Fmt.f("client ceiling: the official KurrentDB Java client (%s; appendToStream, "
                + "StreamState any, 200-byte JSON events, 10,000 streams) against "
                + "null (a grpc-java server that stores nothing and answers every append at once) and against cairn "
                + "(cairn start --insecure, appends durable); both in processes of their own, this JVM runs the "
                + "clients; %.1f s of JVM warm-up, then %.1f s warm-up + %.1f s measured per workload and server; load "
                + "average at the start: %s", sharedClient ? "one client, hence one connection, shared by all writer "
                        + "threads" : "one client, hence one connection, per writer thread", jvmWarmup, warmup, seconds,
                Fmt.loadAverage()));
        try (NullServerProcess nul = NullServerProcess.start(readSet.readStreamEvents, readSet.readAllEvents);
                GrpcTarget cairn = GrpcTarget.start(CairnOptions.builder(store).build(), sharedClient);
                GrpcTarget ceiling = GrpcTarget.connect(nul.connectionString(), sharedClient)) {
            AtomicLong written = new AtomicLong();
            if (jvmWarmup > 0) {
                run(ceiling, events, 8, 1, 0, jvmWarmup / 2, new AtomicLong());
                run(cairn, events, 8, 1, 0, jvmWarmup / 2, written);
            }
            System.out.println(Fmt.f("%-8s %-6s %-7s %12s %9s %9s %9s", "clients", "batch", "server", "events/s",
                    "p50 ms", "p99 ms", "/null"));
            for (int batch : batches) {
                for (int n : clients) {
                    WriteWorkload.Result top = run(ceiling, events, n, batch, warmup, seconds, new AtomicLong());
                    print(n, batch, "null", top, "");
                    WriteWorkload.Result node = run(cairn, events, n, batch, warmup, seconds, written);
                    print(n, batch, "cairn", node, Fmt.f("%.2fx", node.eventsPerSecond() / top.eventsPerSecond()));
                }
            }
            System.out.println(Fmt.f("reads, one thread: %,d streams x %,d events read fully, one readStream call "
                    + "each (p50/p99: per call); then the first %,d events of $all (p50/p99: per %,d events); "
                    + "%d unmeasured passes of both first (0: a tenth of each)", readSet.readStreams,
                    readSet.readStreamEvents, readSet.readAllEvents, ReadWorkload.ALL_STEP, readSet.readWarmup));
            reads.write(cairn, events, written);
            List<ReadWorkload.Result> top = reads.read(ceiling, readSet.readWarmup);
            List<ReadWorkload.Result> node = reads.read(cairn, readSet.readWarmup);
            System.out.println(Fmt.f("%-12s %-7s %12s %9s %9s %9s", "read", "server", "events/s", "p50 ms", "p99 ms",
                    "/null"));
            List<String> names = List.of("read-stream", "read-all");
            for (int i = 0; i < names.size(); i++) {
                print(names.get(i), "null", top.get(i), "");
                print(names.get(i), "cairn", node.get(i),
                        Fmt.f("%.2fx", node.get(i).eventsPerSecond() / top.get(i).eventsPerSecond()));
            }
        } finally {
            Fmt.deleteRecursively(store);
        }
        return 0;
    }

    private static void print(String read, String server, ReadWorkload.Result r, String ratio) {
        Histogram h = r.latency();
        System.out.println(Fmt.f("%-12s %-7s %12s %9s %9s %9s", read, server, Fmt.rate(r.eventsPerSecond()),
                Fmt.millis(h.getValueAtPercentile(50)), Fmt.millis(h.getValueAtPercentile(99)), ratio));
    }

    /** {@code written} counts the events the target has taken (the read set tops the log up from there). */
    private static WriteWorkload.Result run(GrpcTarget target, BenchEvents events, int clients, int batch,
            double warmupSeconds, double measuredSeconds, AtomicLong written) throws Exception {
        try (BenchTarget.Writers writers = target.writers(clients, events).counting(written)) {
            return new WriteWorkload(writers.target()).run(clients, batch, warmupSeconds, measuredSeconds);
        }
    }

    private static void print(int clients, int batch, String server, WriteWorkload.Result r, String ratio) {
        Histogram h = r.latency();
        System.out.println(Fmt.f("%-8d %-6d %-7s %12s %9s %9s %9s", clients, batch, server, Fmt.rate(r.eventsPerSecond()),
                Fmt.millis(h.getValueAtPercentile(50)), Fmt.millis(h.getValueAtPercentile(99)), ratio));
    }

    /** {@link NullStreamsServer} in a child JVM; closing its standard input stops it. */
    private record NullServerProcess(Process process, int port) implements AutoCloseable {

        static NullServerProcess start(long streamEvents, long allEvents) throws Exception {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), NullStreamsServer.class.getName(),
                    Long.toString(streamEvents), Long.toString(allEvents))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith(NullStreamsServer.READY)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("the null server did not start; it printed: " + line);
            }
            return new NullServerProcess(p, Integer.parseInt(line.substring(NullStreamsServer.READY.length()).trim()));
        }

        String connectionString() {
            return "kurrentdb://127.0.0.1:" + port + "?tls=false";
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
