package dev.cairn.torture;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cairn torture}: crash torture under client load (see {@link Torture}). Prints
 * {@code rounds N, acknowledged N, verified N, lost 0, partial 0} and exits 0 when every promise
 * held, 1 when any was broken (each violation is printed), 2 on a usage error, 3 when the run
 * itself failed.
 */
@Command(name = "cairn torture", mixinStandardHelpOptions = true,
        description = "Kill a node with SIGKILL under client load, again and again, and verify after every restart "
                + "that nothing acknowledged was lost and nothing was half written.")
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "10",
            description = "Kill-and-restart rounds (default 10).")
    int rounds;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Longest load of a round before the kill; the kill comes at a random moment in it "
                    + "(default 10).")
    double seconds;

    @Option(names = "--writers", paramLabel = "N", defaultValue = "4", description = "Concurrent writers (default 4).")
    int writers;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "4", description = "Streams per writer (default 4).")
    int streams;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "2",
            description = "Catch-up subscribers to $all (default 2).")
    int subscribers;

    @Option(names = "--persistent", paramLabel = "N", defaultValue = "2",
            description = "Consumers of one persistent subscription group to $all, acking what they receive; 0 for "
                    + "none (default 2).")
    int persistent;

    @Option(names = "--segment-size", paramLabel = "SIZE", defaultValue = "1MiB",
            description = "The node's segment size (cairn start --segment-size); small, so that kills land around "
                    + "segment rolls (default 1MiB).")
    String segmentSize;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices (default: from the clock).")
    Long seed;

    @Option(names = "--soak", paramLabel = "DURATION",
            description = "Instead of killing: steady load for DURATION (e.g. 10m, 90s, 1h) while sampling the node's "
                    + "heap, memory, file descriptors, threads and latency, which must stay flat.")
    String soak;

    @Option(names = "--db", paramLabel = "DIR",
            description = "Data directory to use; must not exist yet (default: a new temporary directory).")
    Path db;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "torture-logback.xml");
        }
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (for tests). */
    static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println("cairn torture: failed: " + e);
                    e.printStackTrace(commandLine.getErr());
                    return 3;
                })
                .execute(args);
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}: a whole number and a unit. */
    static java.time.Duration parseDuration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smh])").matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("must be a positive whole number of s, m or h (like 10m), was '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (rounds < 1 || seconds <= 0 || writers < 1 || streams < 3 || subscribers < 0 || persistent < 0) {
            err.println("cairn torture: --rounds, --seconds and --writers must be positive, --streams at least 3, "
                    + "--subscribers and --persistent not negative");
            return 2;
        }
        long segmentBytes;
        try {
            segmentBytes = dev.cairn.server.ServerConfig.parseSize(segmentSize, "--segment-size");
        } catch (IllegalArgumentException e) {
            err.println("cairn torture: " + e.getMessage());
            return 2;
        }
        Path dir = db;
        if (dir == null) {
            dir = Files.createTempDirectory("cairn-torture").resolve("db");
        } else if (Files.exists(dir)) {
            err.println("cairn torture: " + dir + " already exists; give a new directory");
            return 2;
        }
        long s = seed != null ? seed : System.nanoTime();
        Torture.Settings settings = new Torture.Settings(dir, rounds, seconds, writers, streams, subscribers,
                persistent, segmentBytes, s);
        if (soak != null) {
            java.time.Duration duration;
            try {
                duration = parseDuration(soak);
            } catch (IllegalArgumentException e) {
                err.println("cairn torture: --soak " + e.getMessage());
                return 2;
            }
            java.util.List<String> violations = new Soak(settings, duration, out).run();
            out.printf("soak: violations: %d (seed %d)%n", violations.size(), s);
            violations.forEach(v -> out.println("VIOLATION " + v));
            out.flush();
            return violations.isEmpty() ? 0 : 1;
        }
        Torture.Totals totals = new Torture(settings, out).run();
        out.println(totals.summary());
        out.printf("subscriptions: %d deliveries checked; violations: %d (seed %d)%n", totals.deliveries(),
                totals.violations().size(), s);
        totals.violations().forEach(v -> out.println("VIOLATION " + v));
        out.flush();
        return totals.violations().isEmpty() && totals.lost() == 0 && totals.partial() == 0 ? 0 : 1;
    }
}
