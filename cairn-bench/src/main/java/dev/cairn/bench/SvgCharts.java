package dev.cairn.bench;

import java.util.List;

/**
 * The report's two charts for one workload, as inline SVG drawn by hand: throughput as horizontal
 * bars (linear scale) and latency percentiles as grouped vertical bars (log scale, since the disk's
 * fraction of a millisecond and a slow system's hundreds must both be readable). Stateless.
 */
final class SvgCharts {

    private static final int WIDTH = 560;
    private static final String FONT = "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif\"";

    private SvgCharts() {
    }

    /** One bar per system: events/s, the value written at the end of the bar. */
    static String throughput(List<Figure> figures) {
        int left = 120;
        int right = 110;
        int top = 38;
        int bar = 26;
        int gap = 12;
        int height = top + figures.size() * (bar + gap) + 30;
        double max = figures.stream().mapToDouble(Figure::eventsPerSecond).max().orElse(1);
        double scale = niceCeiling(max);
        int plot = WIDTH - left - right;
        StringBuilder s = open(height, "events/s (more is better)");
        // the scale is 1, 2 or 5 times a power of ten: ticks at fifths, quarters or fifths of it are round
        int divisions = Math.round(scale / Math.pow(10, Math.floor(Math.log10(scale)))) == 2 ? 4 : 5;
        for (int i = 0; i <= divisions; i++) {
            double x = left + plot * i / (double) divisions;
            s.append(Fmt.f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e7eb\"/>", x, top - 6, x,
                    height - 24));
            s.append(Fmt.f("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#7b8794\" text-anchor=\"middle\">%s</text>",
                    x, height - 10, compact(scale * i / divisions)));
        }
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            int y = top + i * (bar + gap);
            double w = Math.max(1, plot * f.eventsPerSecond() / scale);
            s.append(Fmt.f("<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#323f4b\" text-anchor=\"end\">%s</text>",
                    left - 8, y + bar / 2 + 4, CompareReport.esc(f.system())));
            s.append(Fmt.f("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\"/>", left, y, w, bar,
                    CompareReport.color(f.system())));
            s.append(Fmt.f("<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#1f2933\">%s</text>", left + w + 6,
                    y + bar / 2 + 4, Fmt.rate(f.eventsPerSecond())));
        }
        return s.append("</svg>\n").toString();
    }

    /** Groups p50, p90, p99, p99.9; in each a bar per system, its value above it; log-scale axis in ms. */
    static String latency(List<Figure> figures, String title) {
        int left = 52;
        int top = 40;
        int bottom = 58;
        int height = 300;
        int plotH = height - top - bottom;
        int plotW = WIDTH - left - 16;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Figure f : figures) {
            for (double p : Figure.PERCENTILES) {
                double v = Math.max(f.millis(p), 0.001);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        int lo = (int) Math.floor(Math.log10(min));
        int hi = Math.max(lo + 1, (int) Math.ceil(Math.log10(max)));
        StringBuilder s = open(height, title);
        for (int e = lo; e <= hi; e++) {
            double y = top + plotH - plotH * (e - lo) / (double) (hi - lo);
            s.append(Fmt.f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e7eb\"/>", left, y, left + plotW, y));
            s.append(Fmt.f("<text x=\"%d\" y=\"%.1f\" font-size=\"10\" fill=\"#7b8794\" text-anchor=\"end\">%s</text>",
                    left - 6, y + 3, tick(e)));
        }
        int groups = Figure.PERCENTILES.length;
        double groupW = plotW / (double) groups;
        double barW = Math.min(30, (groupW - 16) / figures.size());
        for (int g = 0; g < groups; g++) {
            double gx = left + g * groupW + (groupW - barW * figures.size()) / 2;
            for (int i = 0; i < figures.size(); i++) {
                Figure f = figures.get(i);
                double v = Math.max(f.millis(Figure.PERCENTILES[g]), 0.001);
                double frac = (Math.log10(v) - lo) / (hi - lo);
                double h = Math.max(1, plotH * frac);
                double x = gx + i * barW;
                double y = top + plotH - h;
                s.append(Fmt.f("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s ms"
                                + "</title></rect>", x + 1, y, barW - 2, h, CompareReport.color(f.system()),
                        CompareReport.esc(f.system()), Figure.PERCENTILE_NAMES[g], value(v)));
                s.append(Fmt.f("<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#3e4c59\" text-anchor=\"middle\">%s</text>",
                        x + barW / 2, y - 3, value(v)));
            }
            s.append(Fmt.f("<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#323f4b\" text-anchor=\"middle\">%s</text>",
                    left + g * groupW + groupW / 2, top + plotH + 16, Figure.PERCENTILE_NAMES[g]));
        }
        double lx = left;
        for (Figure f : figures) {
            s.append(Fmt.f("<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" rx=\"2\" fill=\"%s\"/>", lx, height - 22,
                    CompareReport.color(f.system())));
            s.append(Fmt.f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#323f4b\">%s</text>", lx + 14, height - 13,
                    CompareReport.esc(f.system())));
            lx += 24 + 7 * f.system().length();
        }
        return s.append("</svg>\n").toString();
    }

    private static StringBuilder open(int height, String title) {
        return new StringBuilder(Fmt.f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 "
                + "%d %d\" %s role=\"img\"><text x=\"14\" y=\"22\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2933\">"
                + "%s</text>", WIDTH, height, WIDTH, height, FONT, CompareReport.esc(title)));
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String compact(double v) {
        if (v >= 1e6) {
            return Fmt.f("%.1fM", v / 1e6).replace(".0M", "M");
        }
        if (v >= 1e3) {
            return Fmt.f(v % 1e3 == 0 ? "%.0fk" : "%.1fk", v / 1e3);
        }
        return Fmt.f("%.0f", v);
    }

    private static String tick(int exponent) {
        return exponent >= 0 ? Fmt.f("%.0f", Math.pow(10, exponent)) : Fmt.f("%." + (-exponent) + "f", Math.pow(10, exponent));
    }

    private static String value(double ms) {
        return ms >= 100 ? Fmt.f("%.0f", ms) : ms >= 10 ? Fmt.f("%.1f", ms) : ms >= 1 ? Fmt.f("%.2f", ms) : Fmt.f("%.3f", ms);
    }
}
