package dev.cairn.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code compare} and {@code postgres}: durations, event shape, read set, where. */
final class CompareOptions {

    @Option(names = "--seconds", description = "Measured seconds per append workload and system, and per disk "
            + "measurement (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    double seconds;

    @Option(names = "--warmup", description = "Unmeasured seconds before each append workload (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "3")
    double warmup;

    @Option(names = "--system-warmup", description = "Unmeasured seconds of appends on each system before its first "
            + "workload, split evenly over the three append workloads, so that a JVM (the benchmark's own, a Cairn node's) "
            + "has compiled its hot paths and PostgreSQL has filled its caches (default: ${DEFAULT-VALUE}).",
            defaultValue = "60")
    double systemWarmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures here as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write DIR/index.html: the table and latency charts, "
            + "self-contained.")
    Path report;

    @Option(names = "--dir", description = "Scratch directory on the disk to measure: stores, the disk-ceiling file "
            + "and PostgreSQL's cluster go under it and are deleted at the end (default: ${DEFAULT-VALUE}).",
            defaultValue = "bench-data")
    Path dir;

    @Mixin
    EventOptions shape;

    @Mixin
    ReadSetOptions reads;

    @Option(names = "--segment-mib", description = "Cairn's log segment size, MiB (default: Cairn's, ${DEFAULT-VALUE}).",
            defaultValue = "256")
    long segmentMib;

    @Option(names = "--jdbc", paramLabel = "URL", description = "Use this PostgreSQL database (its table "
            + PostgresTarget.TABLE + " is dropped and recreated) instead of starting a server with scripts/postgres.sh.")
    String jdbcUrl;

    List<String> description() {
        List<String> lines = new ArrayList<>();
        lines.add(Fmt.f("events: %d-byte JSON data, type %s, no metadata, a fresh random id each; appends to %,d "
                        + "streams (stream-00000..) at random with expected state any (Cairn: StreamState.any(); "
                        + "PostgreSQL: the current version, retried on a conflict)", shape.eventBytes, BenchEvents.TYPE,
                shape.streams));
        lines.add(Fmt.f("appends: append-1x64 = 64 clients x 1 event, append-1x8 = 8 x 1, append-100x8 = 8 x 100; "
                + "each client one blocking append in flight; on each system first %.1f s of all three unmeasured "
                + "(system warm-up), then %.1f s warm-up + %.1f s measured each, on one store per system, in that order",
                systemWarmup, warmup, seconds));
        lines.add("durability: every system acknowledges an append only once it is on disk: Cairn after its group's "
                + "write + fdatasync; PostgreSQL with its defaults (fsync on, synchronous_commit on: COMMIT waits for "
                + "the WAL flush), only listen address, port and socket directory set");
        lines.add(Fmt.f("disk: the ceiling for the same bytes: one thread writes one append's bytes in Cairn's log "
                + "(%d for 1 event, %d for 100) N times per write + fdatasync, N = clients, into a pre-written file; "
                + "%.1f s per workload before the first system and again after the last, the mean is the ceiling",
                BenchEvents.appendBytes(1, shape.eventBytes), BenchEvents.appendBytes(100, shape.eventBytes), seconds));
        lines.add(Fmt.f("reads: after the appends, a read set of %,d streams (read-00000..) x %,d events is appended "
                + "round-robin (so each stream is spread over the log) and the log topped up to >= %,d events; then "
                + "one thread, after %s: read-stream reads every read-set stream fully (%,d events, latency per read "
                + "call), read-all reads the first %,d events of the global log forwards (latency per %,d events); "
                + "every system reads the same events", reads.readStreams, reads.readStreamEvents, reads.readAllEvents,
                reads.readWarmup == 0 ? "a tenth of each read unmeasured"
                        : Fmt.f("%d unmeasured passes of both reads", reads.readWarmup),
                (long) reads.readStreams * reads.readStreamEvents, reads.readAllEvents, ReadWorkload.ALL_STEP));
        lines.add("dir: " + dir.toAbsolutePath());
        return lines;
    }

}
