package dev.cairn.api;

/**
 * The state a writer expects a stream to be in, checked atomically with an append or delete
 * (optimistic concurrency). Also used to report a stream's actual state.
 */
public sealed interface StreamState
        permits StreamState.Any, StreamState.NoStream, StreamState.StreamExists, StreamState.AtRevision,
        StreamState.Deleted, StreamState.Tombstoned {

    /** No expectation: the append succeeds whatever the stream's state (unless tombstoned). */
    record Any() implements StreamState {
        @Override
        public String toString() {
            return "any";
        }
    }

    /** The stream must have no events (never written, or soft deleted). */
    record NoStream() implements StreamState {
        @Override
        public String toString() {
            return "no stream";
        }
    }

    /** The stream must exist: have events, or metadata (as KurrentDB counts it); not be deleted. */
    record StreamExists() implements StreamState {
        @Override
        public String toString() {
            return "stream exists";
        }
    }

    /**
     * The stream's last event must be at exactly this revision.
     *
     * @param revision an unsigned revision; must not be {@link StreamRevision#END}
     */
    record AtRevision(long revision) implements StreamState {
        public AtRevision {
            if (revision < 0) {
                throw new InvalidArgumentException("expected revision must be at most 2^63-1, was "
                        + Long.toUnsignedString(revision));
            }
        }

        @Override
        public String toString() {
            return "revision " + revision;
        }
    }

    /**
     * The stream is soft deleted: its metadata's {@code $tb} is {@link Long#MAX_VALUE}, as
     * {@link EventStore#deleteAsync} leaves it. Only in a {@link ConsistencyCheck} (KurrentDB's
     * {@code DELETED}, -5); appending with this check to the stream itself undeletes it. Also the
     * actual state a failed check of {@link StreamExists} reports for a soft-deleted stream.
     */
    record Deleted() implements StreamState {
        @Override
        public String toString() {
            return "deleted";
        }
    }

    /**
     * The stream is tombstoned (hard deleted). Only in a {@link ConsistencyCheck} (KurrentDB's
     * {@code TOMBSTONED}, -6); on a stream the append also writes it always fails, since a
     * tombstoned stream cannot be written. Also the actual state a failed check reports for a
     * tombstoned stream.
     */
    record Tombstoned() implements StreamState {
        @Override
        public String toString() {
            return "tombstoned";
        }
    }

    StreamState ANY = new Any();
    StreamState NO_STREAM = new NoStream();
    StreamState STREAM_EXISTS = new StreamExists();
    StreamState DELETED = new Deleted();
    StreamState TOMBSTONED = new Tombstoned();

    static StreamState any() {
        return ANY;
    }

    static StreamState noStream() {
        return NO_STREAM;
    }

    static StreamState streamExists() {
        return STREAM_EXISTS;
    }

    static StreamState deleted() {
        return DELETED;
    }

    static StreamState tombstoned() {
        return TOMBSTONED;
    }

    /**
     * Refuses the states only a {@link ConsistencyCheck} may expect ({@link Deleted},
     * {@link Tombstoned}) when an append, a delete or a metadata write expects them.
     *
     * @throws InvalidArgumentException for those two
     */
    default void requireWritable() {
        if (this instanceof Deleted || this instanceof Tombstoned) {
            throw new InvalidArgumentException("expected state '" + this
                    + "' is only for consistency checks, not for a write");
        }
    }

    static StreamState at(long revision) {
        return new AtRevision(revision);
    }

    /** The actual state of a stream whose last revision is {@code lastRevision}, or -1 for none. */
    static StreamState actual(long lastRevision) {
        return lastRevision < 0 ? NO_STREAM : new AtRevision(lastRevision);
    }
}
