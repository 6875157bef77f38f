package dev.cairn.bench;

import picocli.CommandLine.Option;

/** The read-set options of the commands that run {@code compare}'s reads: see {@link ReadSet}. */
final class ReadSetOptions {

    @Option(names = "--read-streams", description = "Streams of the read set, read fully by read-stream (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "1000")
    int readStreams;

    @Option(names = "--read-stream-events", description = "Events in each read-set stream (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int readStreamEvents;

    @Option(names = "--read-all-events", description = "Events read-all reads from the start of the global log "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "1000000")
    long readAllEvents;

    @Option(names = "--read-warmup", description = "Unmeasured passes of both reads (every read-set stream, then the "
            + "first --read-all-events of the global log) before the measured ones, so that the read path is compiled "
            + "as the append path is by the system warm-up; 0 reads a tenth of each instead (default: "
            + "${DEFAULT-VALUE}).",
            defaultValue = "2")
    int readWarmup;
}
