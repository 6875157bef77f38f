package dev.cairn.engine.projections;

/**
 * A projection cannot go on: its query failed to compile or one of its handlers threw. It stays
 * faulted, with this message as the reason, until it is enabled (or updated, or reset) again.
 */
final class ProjectionFaultedException extends RuntimeException {

    ProjectionFaultedException(String message, Throwable cause) {
        super(message, cause);
    }
}
