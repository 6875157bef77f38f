package dev.cairn.bench;

import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench write}: N concurrent clients append M-event batches to random streams of a
 * target (Cairn embedded, over gRPC, or PostgreSQL) for a time or a number of appends; events/s and
 * append latency percentiles. Like KurrentDB's test client's {@code WRFL}.
 */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = "N concurrent clients append to random streams (embedded, grpc or postgres): events/s and "
                + "latency percentiles of the appends.")
final class WriteCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Option(names = "--clients", description = "Concurrent clients, one blocking append in flight each (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "8")
    int clients;

    @Mixin
    EventOptions shape;

    @Option(names = "--events-per-append", description = "Events per append (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int eventsPerAppend;

    @Option(names = "--warmup", description = "Unmeasured seconds first (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    double warmup;

    @Option(names = "--virtual-threads", description = "Run each client on a virtual thread instead of a platform "
            + "thread.")
    boolean virtualThreads;

    @Option(names = "--shared-client", description = "With --target grpc: all clients append through one official "
            + "client, hence one connection, as the threads of an application that shares its client do (default: a "
            + "client and a connection per writer, as KurrentDB's WRFL).")
    boolean sharedClient;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    /** How long to measure: a time or a number of appends. */
    static final class Length {
        @Option(names = "--seconds", description = "Measured seconds (default: 10).")
        Double seconds;

        @Option(names = "--count", description = "Measured appends, all clients together, instead of --seconds.")
        Long count;
    }

    @Override
    public Integer call() throws Exception {
        WriteWorkload.check(clients, eventsPerAppend, warmup, length.count != null ? Double.POSITIVE_INFINITY : seconds());
        BenchEvents events = shape.events();
        try (BenchTarget t = target.open("write-store", sharedClient)) {
            System.out.println(t.description());
            WriteWorkload.Callers callers = WriteWorkload.Callers.of(virtualThreads);
            System.out.println(Fmt.f("workload: %d clients x %d events per append, each on a %s, %d-byte JSON events, "
                    + "%,d streams at random, %.1f s warm-up, then %s", clients, eventsPerAppend, callers.describe(),
                    shape.eventBytes, shape.streams, warmup,
                    length.count != null ? Fmt.f("%,d appends", length.count) : Fmt.f("%.1f s", seconds())));
            WriteWorkload.Result r;
            try (BenchTarget.Writers writers = t.writers(clients, events)) {
                WriteWorkload workload = new WriteWorkload(writers.target(), callers);
                r = length.count != null ? workload.runCount(clients, eventsPerAppend, warmup, length.count)
                        : workload.run(clients, eventsPerAppend, warmup, seconds());
            }
            Histogram h = r.latency();
            System.out.println(Fmt.f("%,d appends (%,d events) in %.2f s: %s events/s, %s appends/s", r.appends(),
                    r.events(), r.nanos() / 1e9, Fmt.rate(r.eventsPerSecond()), Fmt.rate(r.appendsPerSecond())));
            System.out.println(Fmt.f("append latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
                    Fmt.millis(h.getValueAtPercentile(50)), Fmt.millis(h.getValueAtPercentile(90)),
                    Fmt.millis(h.getValueAtPercentile(99)), Fmt.millis(h.getValueAtPercentile(99.9)),
                    Fmt.millis(h.getMaxValue())));
            if (t instanceof PostgresTarget p) {
                System.out.println(Fmt.f("appends retried after a version conflict: %,d", p.conflicts()));
            }
        }
        return 0;
    }

    private double seconds() {
        return length.seconds != null ? length.seconds : 10;
    }
}
