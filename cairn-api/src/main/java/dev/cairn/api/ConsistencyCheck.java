package dev.cairn.api;

import java.util.Objects;

/**
 * A condition on a stream that must hold for an {@link EventStore#appendRecordsAsync} call to be
 * written. The stream need not be one the call writes to.
 *
 * @param stream the stream checked
 * @param expected the state it must be in
 */
public record ConsistencyCheck(StreamName stream, StreamState expected) {

    public ConsistencyCheck {
        Objects.requireNonNull(stream, "stream must not be null");
        Objects.requireNonNull(expected, "expected state must not be null");
    }
}
