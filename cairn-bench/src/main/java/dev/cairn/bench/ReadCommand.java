package dev.cairn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn bench read}: writes a {@link ReadSet} to a target (Cairn embedded, over gRPC, or
 * PostgreSQL), then reads its streams fully one after the other and the global log ({@code $all})
 * forwards from one thread: events/s and the latency of each read call (streams) or of each
 * {@value ReadWorkload#ALL_STEP} events ({@code $all}).
 *
 * <p>With {@code --rounds} the reads are repeated in this one JVM, and with {@code --also-connect}
 * they alternate, round by round, between the target and other running nodes: a change to a node's
 * read path is measured side by side on warm JVMs, where one fresh read mostly measures the JIT
 * compilers (see docs/benchmarks.md, "Read warm-up").
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Write a read set, then read its streams fully one after the other and $all forwards "
                + "(embedded, grpc or postgres): events/s and latency percentiles.")
final class ReadCommand implements Callable<Integer> {

    private static final String[] READS = {"read-stream", "read-all"};

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

    @Option(names = "--rounds", description = "Measured rounds of both reads, in this JVM; with more than one, the "
            + "first is left out of the medians (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int rounds;

    @Option(names = "--also-connect", paramLabel = "CONNECTION_STRING", description = "Another running node (Cairn or "
            + "KurrentDB) to write a read set of its own to and read in turn with the target in every round; "
            + "repeatable.")
    List<String> alsoConnect = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, was " + rounds);
        }
        if (rounds > 1 || !alsoConnect.isEmpty()) {
            return rounds();
        }
        String prefix = newPrefix();
        long all = allEvents();
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

    /** {@code --rounds} and {@code --also-connect}: every target's reads in turn, round after round. */
    private int rounds() throws Exception {
        long all = allEvents();
        List<BenchTarget> targets = new ArrayList<>();
        try {
            targets.add(target.open("read-store"));
            for (String connection : alsoConnect) {
                targets.add(GrpcTarget.connect(connection));
            }
            List<ReadSet> sets = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                String prefix = newPrefix();
                ReadSet set = new ReadSet(prefix, streams, streamEvents, all, eventBytes);
                System.out.println(Fmt.f("%s = %s", label(i), targets.get(i).description()));
                long start = System.nanoTime();
                set.write(targets.get(i), new BenchEvents(10_000, eventBytes), new AtomicLong());
                System.out.println(Fmt.f("%s: read set %s* written in %.1f s", label(i), prefix,
                        (System.nanoTime() - start) / 1e9));
                sets.add(set);
            }
            System.out.println(Fmt.f("reads: %,d streams x %,d events, read fully one after the other, then the first "
                    + "%,d events of $all; one thread; %d rounds, the targets in turn in each", streams, streamEvents,
                    all, rounds));
            // [target][round][0 = read-stream, 1 = read-all], events/s
            double[][][] rates = new double[targets.size()][rounds][2];
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder(Fmt.f("round %d:", r));
                for (int i = 0; i < targets.size(); i++) {
                    List<ReadWorkload.Result> results = sets.get(i).readOnce(targets.get(i));
                    for (int k = 0; k < 2; k++) {
                        rates[i][r][k] = results.get(k).eventsPerSecond();
                    }
                    line.append(Fmt.f("  %s read-stream %s read-all %s", label(i), Fmt.rate(rates[i][r][0]),
                            Fmt.rate(rates[i][r][1])));
                }
                System.out.println(line.append("  (events/s)"));
            }
            int first = rounds > 1 ? 1 : 0;
            for (int k = 0; k < 2; k++) {
                StringBuilder line = new StringBuilder(Fmt.f("median %s, rounds %d-%d:", READS[k], first, rounds - 1));
                for (int i = 0; i < targets.size(); i++) {
                    line.append(Fmt.f("  %s %s", label(i), Fmt.rate(median(rates[i], first, k))));
                    if (i > 0) {
                        int ahead = 0;
                        for (int r = first; r < rounds; r++) {
                            ahead += rates[i][r][k] > rates[0][r][k] ? 1 : 0;
                        }
                        line.append(Fmt.f(" (%.2fx A, ahead in %d of %d)", median(rates[i], first, k)
                                / median(rates[0], first, k), ahead, rounds - first));
                    }
                }
                System.out.println(line.append("  events/s"));
            }
        } finally {
            for (BenchTarget t : targets) {
                t.close();
            }
        }
        return 0;
    }

    /** A read set's stream prefix of its own, so that a node or database used before holds none of its streams. */
    private static String newPrefix() {
        return "read-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** Events read from the start of {@code $all}: {@code --all-events}, else the read set's size. */
    private long allEvents() {
        return allEvents != null ? allEvents : (long) streams * streamEvents;
    }

    /** A, B, C...: the target first, then each {@code --also-connect} in order. */
    private static String label(int i) {
        return i < 26 ? String.valueOf((char) ('A' + i)) : "T" + i;
    }

    private static double median(double[][] rounds, int from, int read) {
        double[] values = new double[rounds.length - from];
        for (int r = from; r < rounds.length; r++) {
            values[r - from] = rounds[r][read];
        }
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
