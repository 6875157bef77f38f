package dev.cairn.bench;

import org.HdrHistogram.Histogram;

/**
 * One measured figure of {@code compare}: a workload on a system, its rate and latencies.
 * {@code latency} is in nanoseconds: per append (writes), per write + fdatasync (disk), per stream
 * read call (read-stream), per {@link ReadWorkload#ALL_STEP} events received (read-all).
 */
record Figure(String workload, String system, double eventsPerSecond, long events, double seconds,
        Histogram latency, String note) {

    static final double[] PERCENTILES = {50, 90, 99, 99.9};
    static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};

    static Figure of(String workload, String system, WriteWorkload.Result r, String note) {
        return new Figure(workload, system, r.eventsPerSecond(), r.events(), r.nanos() / 1e9, r.latency(), note);
    }

    static Figure of(String workload, String system, ReadWorkload.Result r) {
        return new Figure(workload, system, r.eventsPerSecond(), r.events(), r.nanos() / 1e9, r.latency(), r.what());
    }

    /** The latency at {@code percentile} (0..100), in milliseconds. */
    double millis(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMillis() {
        return latency.getMaxValue() / 1e6;
    }
}
