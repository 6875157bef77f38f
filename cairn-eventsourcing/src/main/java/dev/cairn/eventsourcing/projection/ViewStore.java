package dev.cairn.eventsourcing.projection;

import dev.cairn.api.Position;

/**
 * Where a projection's view and its position live, changed together in one transaction: the
 * basis of exactly-once projections. If the process dies, either both the change and the new
 * position were stored or neither was, so the runner resumes after exactly the last event applied.
 *
 * @param <T> what a change works on
 */
public interface ViewStore<T> {

    /** A change to a view; may throw, which rolls the transaction back. */
    @FunctionalInterface
    interface Change<T> {
        void apply(T view) throws Exception;
    }

    /** The position the projection stored last, or null if it never stored one. */
    Position position(String projection);

    /**
     * In one transaction: applies {@code change} (if not null) and stores {@code position} as the
     * projection's position. On failure nothing is stored and the exception is thrown.
     */
    void commit(String projection, Position position, Change<T> change) throws Exception;
}
