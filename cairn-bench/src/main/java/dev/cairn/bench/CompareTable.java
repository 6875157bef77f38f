package dev.cairn.bench;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of a {@code compare} run as a text table with the ratios Cairn/PostgreSQL and
 * Cairn/disk ceiling, and as JSON. Stateless apart from the figures it is given.
 */
final class CompareTable {

    private final List<Figure> figures;

    CompareTable(List<Figure> figures) {
        this.figures = figures;
    }

    Optional<Figure> find(String workload, String system) {
        return figures.stream().filter(f -> f.workload().equals(workload) && f.system().equals(system)).findFirst();
    }

    /** {@code figure}'s events/s over those of {@code system} on the same workload, if it ran it. */
    Optional<Double> ratio(Figure figure, String system) {
        if (!figure.system().startsWith("cairn-")) {
            return Optional.empty();
        }
        return find(figure.workload(), system).map(other -> figure.eventsPerSecond() / other.eventsPerSecond());
    }

    static String times(double ratio) {
        return ratio >= 10 ? Fmt.f("%.0fx", ratio) : Fmt.f("%.2fx", ratio);
    }

    void print(PrintStream out) {
        out.println(Fmt.f("%-13s %-15s %12s %9s %9s %9s %9s %9s %11s %9s", "workload", "system", "events/s", "p50 ms",
                "p90 ms", "p99 ms", "p99.9 ms", "max ms", "/postgres", "/disk"));
        String last = "";
        for (Figure f : figures) {
            out.println(Fmt.f("%-13s %-15s %12s %9.3f %9.3f %9.3f %9.3f %9.3f %11s %9s",
                    f.workload().equals(last) ? "" : f.workload(), f.system(), Fmt.rate(f.eventsPerSecond()),
                    f.millis(50), f.millis(90), f.millis(99), f.millis(99.9), f.maxMillis(),
                    ratio(f, "postgres").map(CompareTable::times).orElse(""),
                    ratio(f, Comparison.DISK).map(Fmt::percent).orElse("")));
            last = f.workload();
        }
        out.println();
        out.println("notes:");
        for (Figure f : figures) {
            out.println(Fmt.f("  %-13s %-15s %,d events in %.2f s; %s", f.workload(), f.system(), f.events(),
                    f.seconds(), f.note()));
        }
    }

    /**
     * {@code {"workloads":[{"name", "system", "events_per_s", "p50_ms", "p99_ms", ...}], ...}}: one
     * entry per workload and system, then the ratios, the run's settings and the machine.
     */
    static String json(List<Figure> figures, Instant started, Map<String, String> machine, List<String> description,
            Map<String, String> systems) {
        CompareTable table = new CompareTable(figures);
        StringBuilder s = new StringBuilder("{\n  \"tool\": \"cairn bench compare\",\n");
        s.append("  \"started\": ").append(quote(started.toString())).append(",\n");
        s.append("  \"workloads\": [\n");
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            s.append(Fmt.f("    {\"name\": %s, \"system\": %s, \"events_per_s\": %.1f, \"p50_ms\": %.4f, "
                            + "\"p90_ms\": %.4f, \"p99_ms\": %.4f, \"p999_ms\": %.4f, \"max_ms\": %.4f, \"events\": %d, "
                            + "\"seconds\": %.3f", quote(f.workload()), quote(f.system()), f.eventsPerSecond(),
                    f.millis(50), f.millis(90), f.millis(99), f.millis(99.9), f.maxMillis(), f.events(), f.seconds()));
            table.ratio(f, "postgres").ifPresent(r -> s.append(Fmt.f(", \"ratio_to_postgres\": %.4f", r)));
            table.ratio(f, Comparison.DISK).ifPresent(r -> s.append(Fmt.f(", \"ratio_to_disk\": %.4f", r)));
            s.append(", \"note\": ").append(quote(f.note())).append(i + 1 < figures.size() ? "},\n" : "}\n");
        }
        s.append("  ],\n  \"description\": [");
        for (int i = 0; i < description.size(); i++) {
            s.append(i == 0 ? "\n    " : ",\n    ").append(quote(description.get(i)));
        }
        s.append("\n  ],\n  \"systems\": ").append(object(systems, "    ")).append(",\n");
        s.append("  \"machine\": ").append(object(machine, "    ")).append("\n}\n");
        return s.toString();
    }

    private static String object(Map<String, String> map, String indent) {
        StringBuilder s = new StringBuilder("{");
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            s.append(i++ == 0 ? "\n" : ",\n").append(indent).append(quote(e.getKey())).append(": ")
                    .append(quote(e.getValue()));
        }
        return s.append("\n").append(indent, 0, indent.length() - 2).append("}").toString();
    }

    static String quote(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> {
                    if (c < 0x20) {
                        s.append(Fmt.f("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
