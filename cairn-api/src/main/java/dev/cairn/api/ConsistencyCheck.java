package dev.cairn.api;

import java.util.Objects;

/**
 * A condition on a stream that must hold for an {@link EventStore#appendRecordsAsync} call to be
 * written. The stream need not be one the call writes to.
 *
 * <p>As KurrentDB evaluates them, by the stream's state (a soft-deleted stream keeps its last
 * revision L; "actual" is what a failure reports):
 * <pre>
 *   expected \ stream   revision L      none          soft deleted (L)   tombstoned
 *   revision N          holds if N = L  fails, none   holds if N = L     fails, tombstoned
 *   no stream           fails, L        holds         holds              holds (1)
 *   stream exists       holds           fails, none   fails, deleted     fails, tombstoned
 *   deleted             fails, L        fails, none   holds              fails, tombstoned
 *   tombstoned          fails, L        fails, none   fails, L           holds (1)
 * </pre>
 * (1) only when the append does not write the stream: writing to a tombstoned stream fails
 * whatever its check, with the actual state tombstoned. "Stream exists" also holds for a stream
 * with metadata and no events. {@link StreamState.Any} is refused: it checks nothing.
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
