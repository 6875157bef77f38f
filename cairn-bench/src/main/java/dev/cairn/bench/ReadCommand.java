package dev.cairn.bench;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench read}: writes a {@link ReadSet} to a target (Cairn embedded, over gRPC, or
 * PostgreSQL), then reads its streams fully one after the other and the global log ({@code $all})
 * forwards from one thread: events/s and the latency of each read call (streams) or of each
 * {@value ReadWorkload#ALL_STEP} events ({@code $all}).
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Write a read set, then read its streams fully one after the other and $all forwards "
                + "(embedded, grpc or postgres): events/s and latency percentiles.")
final class ReadCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Option(names = "--read-streams", description = "Streams to write and read fully (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int streams;

    @Option(names = "--stream-events", description = "Events per stream (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int streamEvents;

    @Option(names = "--all-events", description = "Events to read from the start of $all (default: the read set's "
            + "size).")
    Long allEvents;

    @Option(names = "--event-bytes", description = "Bytes of JSON data per event (default: ${DEFAULT-VALUE}).",
            defaultValue = "200")
    int eventBytes;

    @Override
    public Integer call() throws Exception {
        // a prefix of its own, so that a node or database used before holds none of these streams
        String prefix = "read-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        long all = allEvents != null ? allEvents : (long) streams * streamEvents;
        ReadSet set = new ReadSet(prefix, streams, streamEvents, all, eventBytes);
        try (BenchTarget t = target.open("read-store")) {
            System.out.println(t.description());
            System.out.println(Fmt.f("read set: %,d streams %s* x %,d events of %d bytes, appended round-robin; $all: "
                    + "the first %,d events of the log; one thread, a tenth of each read unmeasured first", streams,
                    prefix, streamEvents, eventBytes, all));
            long start = System.nanoTime();
            set.write(t, new BenchEvents(10_000, eventBytes), new AtomicLong());
            System.out.println(Fmt.f("written in %.1f s", (System.nanoTime() - start) / 1e9));
            List<ReadWorkload.Result> results = set.read(t, 0);
            String[] units = {"per read call", "per " + ReadWorkload.ALL_STEP + " events"};
            for (int i = 0; i < results.size(); i++) {
                ReadWorkload.Result r = results.get(i);
                Histogram h = r.latency();
                System.out.println(Fmt.f("%s: %,d events in %.2f s = %s events/s; ms %s: p50 %s  p90 %s  p99 %s  "
                                + "p99.9 %s  max %s", r.what(), r.events(), r.nanos() / 1e9, Fmt.rate(r.eventsPerSecond()),
                        units[i], Fmt.millis(h.getValueAtPercentile(50)), Fmt.millis(h.getValueAtPercentile(90)),
                        Fmt.millis(h.getValueAtPercentile(99)), Fmt.millis(h.getValueAtPercentile(99.9)),
                        Fmt.millis(h.getMaxValue())));
            }
        }
        return 0;
    }
}
