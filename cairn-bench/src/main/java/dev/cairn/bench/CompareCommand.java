package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn bench compare}: the disk's fdatasync ceiling, Cairn embedded, Cairn over gRPC and
 * PostgreSQL on the same append and read workloads, one after the other in one run (see
 * {@link Comparison}); prints a table with the ratios Cairn/PostgreSQL and Cairn/disk ceiling,
 * and writes the figures as JSON and, if asked, an HTML report.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run the disk ceiling, Cairn embedded, Cairn over gRPC and PostgreSQL on the same workloads "
                + "(append-1x64, append-1x8, append-100x8, read-stream, read-all) one after another; print the ratios.")
final class CompareCommand implements Callable<Integer> {

    @Mixin
    CompareOptions options;

    @Option(names = "--systems", split = ",", description = "Systems to run (default: ${DEFAULT-VALUE}).",
            defaultValue = "disk,cairn-embedded,cairn-grpc,postgres")
    List<String> systems;

    @Option(names = "--shared-client", description = "cairn-grpc's writers append through one official client, "
            + "hence one connection, as the threads of an application that shares its client do (default: a client "
            + "and a connection per writer, as KurrentDB's WRFL).")
    boolean sharedClient;

    @Override
    public Integer call() throws Exception {
        return run(options, systems, sharedClient);
    }

    /**
     * Runs {@code systems} on the workloads {@code o} describes; prints and writes the results.
     * {@code sharedClient}: cairn-grpc's writers share one client.
     */
    static int run(CompareOptions o, List<String> systems, boolean sharedClient) throws Exception {
        Comparison.Settings settings = new Comparison.Settings(systems, o.seconds, o.warmup, o.systemWarmup,
                o.shape.streams, o.shape.eventBytes, o.reads.readStreams, o.reads.readStreamEvents,
                o.reads.readAllEvents, o.reads.readWarmup, o.segmentMib, o.dir, o.jdbcUrl, sharedClient);
        Files.createDirectories(o.dir);
        Map<String, String> machine = machine();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> description = o.description();
        if (sharedClient && systems.contains("cairn-grpc")) {
            description.add("clients: cairn-grpc's writers share one official client, hence one connection "
                    + "(--shared-client); PostgreSQL's writers have a connection each");
        }
        description.forEach(System.out::println);
        System.out.println("machine: " + machine);
        Comparison comparison = new Comparison(settings, System.out);
        List<Figure> figures = comparison.run(System.err);
        machine.put("load_average_end", Fmt.loadAverage());
        System.out.println();
        CompareTable table = new CompareTable(figures);
        table.print(System.out);
        if (o.json != null) {
            Files.createDirectories(o.json.toAbsolutePath().getParent());
            Files.writeString(o.json, CompareTable.json(figures, started, machine, description, comparison.descriptions()));
            System.out.println("JSON: " + o.json.toAbsolutePath());
        }
        if (o.report != null) {
            Path page = CompareReport.write(o.report, figures, started, machine, description, comparison.descriptions());
            System.out.println("report: " + page.toAbsolutePath());
        }
        return 0;
    }

    /** Facts about this machine for the record: CPUs, memory, OS, JDK, load. */
    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("cpu_model", procLine("/proc/cpuinfo", "model name"));
        m.put("memory", procLine("/proc/meminfo", "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("max_heap_mib", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
        m.put("load_average_start", Fmt.loadAverage());
        return m;
    }

    private static String procLine(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: say so below
        }
        return "(unknown)";
    }
}
