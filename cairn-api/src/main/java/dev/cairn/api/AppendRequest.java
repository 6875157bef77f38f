package dev.cairn.api;

import java.util.List;
import java.util.Objects;

/**
 * One stream's part of a multi-stream append: events for {@code stream}, written only if the
 * stream is in the {@code expected} state.
 *
 * @param stream the stream to append to
 * @param expected the state the stream must be in
 * @param events the events, at least one
 */
public record AppendRequest(StreamName stream, StreamState expected, List<EventData> events) {

    public AppendRequest {
        Objects.requireNonNull(stream, "stream must not be null");
        Objects.requireNonNull(expected, "expected state must not be null");
        Objects.requireNonNull(events, "events must not be null");
        events = List.copyOf(events);
    }
}
