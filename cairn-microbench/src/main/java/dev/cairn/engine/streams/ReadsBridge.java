package dev.cairn.engine.streams;

import dev.cairn.api.RecordedEvent;
import dev.cairn.engine.log.LogRecord;

/**
 * Opens the engine's package-private record-to-event mapping ({@code Reads.toRecorded}) to the
 * micro-benchmarks, which sit in the engine's package on the classpath for this. Benchmarks only.
 */
public final class ReadsBridge {

    private ReadsBridge() {
    }

    public static RecordedEvent toRecorded(LogRecord.Event e) {
        return Reads.toRecorded(e);
    }
}
