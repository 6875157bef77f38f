package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@code compare} run as one self-contained HTML page ({@code index.html}: no scripts,
 * fonts or anything else fetched): the description, the table with the ratios, and per workload a
 * throughput bar chart and a latency-percentile chart, both inline SVG drawn here. Stateless.
 */
final class CompareReport {

    private static final Map<String, String> COLORS = Map.of(Comparison.DISK, "#8a8f98", "cairn-embedded", "#2563eb",
            "cairn-grpc", "#0d9488", "postgres", "#d97706");

    private CompareReport() {
    }

    /** Writes {@code dir/index.html}; returns its path. */
    static Path write(Path dir, List<Figure> figures, Instant started, Map<String, String> machine,
            List<String> description, Map<String, String> systems) throws IOException {
        Files.createDirectories(dir);
        Path page = dir.resolve("index.html");
        Files.writeString(page, html(figures, started, machine, description, systems));
        return page;
    }

    static String html(List<Figure> figures, Instant started, Map<String, String> machine, List<String> description,
            Map<String, String> systems) {
        CompareTable table = new CompareTable(figures);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>cairn bench compare</title>\n")
                .append("<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;")
                .append("color:#1f2933;margin:2rem auto;max-width:1180px;padding:0 1.5rem;line-height:1.45}\n")
                .append("h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;")
                .append("border-bottom:1px solid #e4e7eb;padding-bottom:.3rem}\n")
                .append(".sub{color:#616e7c;margin-top:0}table{border-collapse:collapse;font-size:.9rem;margin:1rem 0}\n")
                .append("th,td{padding:.35rem .7rem;text-align:right;border-bottom:1px solid #e4e7eb}")
                .append("th{background:#f5f7fa;font-weight:600}td.l,th.l{text-align:left}\n")
                .append("tr.first td{border-top:2px solid #cbd2d9}.sw{display:inline-block;width:.8rem;height:.8rem;")
                .append("border-radius:2px;margin-right:.4rem;vertical-align:-1px}\n")
                .append(".charts{display:flex;flex-wrap:wrap;gap:1.5rem}.charts svg{background:#fff;border:1px solid #e4e7eb;")
                .append("border-radius:6px}\nul{padding-left:1.2rem}li{margin:.2rem 0}.facts td{text-align:left}\n")
                .append("</style></head><body>\n");
        h.append("<h1>Cairn vs PostgreSQL, side by side</h1>\n<p class=\"sub\">cairn bench compare, started ")
                .append(esc(started.toString())).append(", load average ").append(esc(machine.get("load_average_start")))
                .append(" at the start, ").append(esc(machine.getOrDefault("load_average_end", "?")))
                .append(" at the end</p>\n");
        h.append("<h2>Results</h2>\n<table><tr><th class=\"l\">workload</th><th class=\"l\">system</th><th>events/s</th>");
        for (String p : Figure.PERCENTILE_NAMES) {
            h.append("<th>").append(p).append(" ms</th>");
        }
        h.append("<th>max ms</th><th>Cairn / PostgreSQL</th><th>Cairn / disk ceiling</th></tr>\n");
        String last = "";
        for (Figure f : figures) {
            boolean first = !f.workload().equals(last);
            h.append(first ? "<tr class=\"first\">" : "<tr>").append("<td class=\"l\">")
                    .append(first ? esc(f.workload()) : "").append("</td><td class=\"l\"><span class=\"sw\" style=\"background:")
                    .append(color(f.system())).append("\"></span>").append(esc(f.system())).append("</td><td>")
                    .append(Fmt.rate(f.eventsPerSecond())).append("</td>");
            for (double p : Figure.PERCENTILES) {
                h.append("<td>").append(Fmt.f("%.3f", f.millis(p))).append("</td>");
            }
            h.append("<td>").append(Fmt.f("%.3f", f.maxMillis())).append("</td><td>")
                    .append(table.ratio(f, "postgres").map(CompareTable::times).orElse("")).append("</td><td>")
                    .append(table.ratio(f, Comparison.DISK).map(Fmt::percent).orElse("")).append("</td></tr>\n");
            last = f.workload();
        }
        h.append("</table>\n");
        for (String workload : Comparison.WORKLOADS) {
            List<Figure> row = figures.stream().filter(f -> f.workload().equals(workload)).toList();
            if (row.isEmpty()) {
                continue;
            }
            h.append("<h2>").append(esc(workload)).append("</h2>\n<div class=\"charts\">\n")
                    .append(SvgCharts.throughput(row)).append(SvgCharts.latency(row, latencyTitle(workload)))
                    .append("</div>\n");
        }
        h.append("<h2>How it was measured</h2>\n<ul>\n");
        for (String line : description) {
            h.append("<li>").append(esc(line)).append("</li>\n");
        }
        for (String line : systems.values()) {
            h.append("<li>").append(esc(line)).append("</li>\n");
        }
        h.append("</ul>\n<h2>Notes per figure</h2>\n<ul>\n");
        for (Figure f : figures) {
            h.append("<li>").append(esc(f.workload() + " " + f.system() + ": ")).append(esc(Fmt.f("%,d events in %.2f s; ",
                    f.events(), f.seconds()))).append(esc(f.note())).append("</li>\n");
        }
        h.append("</ul>\n<h2>Machine</h2>\n<table class=\"facts\">\n");
        for (Map.Entry<String, String> e : machine.entrySet()) {
            h.append("<tr><th class=\"l\">").append(esc(e.getKey())).append("</th><td>").append(esc(e.getValue()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static String latencyTitle(String workload) {
        return switch (workload) {
            case Comparison.READ_STREAM -> "latency of one stream read call, ms (log scale)";
            case Comparison.READ_ALL -> "time per " + ReadWorkload.ALL_STEP + " events received, ms (log scale)";
            default -> "append latency, ms (log scale; disk: one write + fdatasync)";
        };
    }

    static String color(String system) {
        return COLORS.getOrDefault(system, "#52606d");
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
