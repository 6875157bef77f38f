package dev.cairn.api;

import java.util.Objects;

/**
 * One record of an {@link EventStore#appendRecordsAsync} call: an event for a stream.
 *
 * @param stream the stream to append to
 * @param event the event
 */
public record AppendRecord(StreamName stream, EventData event) {

    public AppendRecord {
        Objects.requireNonNull(stream, "stream must not be null");
        Objects.requireNonNull(event, "event must not be null");
    }
}
