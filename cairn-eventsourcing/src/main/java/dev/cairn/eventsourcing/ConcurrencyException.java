package dev.cairn.eventsourcing;

import dev.cairn.api.StreamName;
import dev.cairn.api.WrongExpectedVersionException;

/**
 * Someone else saved the aggregate since it was loaded: its stream is no longer at the version
 * the save expected. Nothing was written; reload and run the command again
 * ({@link Repository#update} does that for you).
 */
public class ConcurrencyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient StreamName stream;
    private final long expectedVersion;

    public ConcurrencyException(StreamName stream, long expectedVersion, WrongExpectedVersionException cause) {
        super("aggregate stream '" + stream + "' changed since it was loaded at version " + expectedVersion
                + " (" + cause.getMessage() + ")", cause);
        this.stream = stream;
        this.expectedVersion = expectedVersion;
    }

    public StreamName stream() {
        return stream;
    }

    /** The version the save expected: the one the aggregate was loaded at (-1: new). */
    public long expectedVersion() {
        return expectedVersion;
    }
}
