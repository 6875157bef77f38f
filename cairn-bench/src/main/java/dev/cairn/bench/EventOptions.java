package dev.cairn.bench;

import picocli.CommandLine.Option;

/** The event shape options of the commands that append: how many streams, how many bytes of JSON. */
final class EventOptions {

    @Option(names = "--streams", description = "Streams the appends pick from at random (default: ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int streams;

    @Option(names = "--event-bytes", description = "Bytes of JSON data per event (default: ${DEFAULT-VALUE}).",
            defaultValue = "200")
    int eventBytes;

    /** The benchmark's events for these options. */
    BenchEvents events() {
        return new BenchEvents(streams, eventBytes);
    }
}
