package dev.cairn.server.conformance;

import dev.cairn.api.StreamState;
import java.util.UUID;

/**
 * A failure as a scenario expects it, whichever face raised it: the kind and the details both faces
 * report. Records, so that a scenario compares a whole failure with {@code isEqualTo}.
 */
sealed interface Failure {

    /** The stream was not in the expected state; {@code actual} is no stream or a revision. */
    record WrongExpectedVersion(String stream, StreamState expected, StreamState actual) implements Failure {
    }

    /** The stream was tombstoned (or, for some appends, soft deleted), as KurrentDB reports it. */
    record StreamDeleted(String stream) implements Failure {
    }

    /** The stream has no events to read. */
    record StreamNotFound(String stream) implements Failure {
    }

    /** The append was larger than the limit, in bytes. */
    record MaximumAppendSizeExceeded(long limit) implements Failure {
    }

    /** One event of the append was larger than the per-event limit; sizes in bytes. */
    record MaximumAppendEventSizeExceeded(UUID eventId, long size, long limit) implements Failure {
    }
}
