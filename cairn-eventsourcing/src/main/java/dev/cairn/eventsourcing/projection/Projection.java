package dev.cairn.eventsourcing.projection;

import dev.cairn.eventsourcing.Selection;
import dev.cairn.eventsourcing.StoredEvent;

/**
 * A read model built from events: for each selected event, a change to a view. The
 * {@link ProjectionRunner} applies the change and stores the event's position in one transaction of
 * the {@link ViewStore}, so each event changes the view exactly once, whatever crashes.
 *
 * <p>{@code apply} runs in the runner's thread, one event at a time, in log order. It must change
 * the view only through {@code view} (the transaction), and must not have other side effects: those
 * would happen again if the transaction is rolled back and the event delivered again.
 *
 * @param <T> what a change works on: a JDBC {@code Connection} in a transaction, or an in-memory state
 */
public interface Projection<T> {

    /** A stable name: the key of the projection's stored position. */
    String name();

    /** The events it handles. */
    Selection selection();

    /** Applies one event to the view. Throwing rolls the change back and stops the runner. */
    void apply(StoredEvent<?> event, T view) throws Exception;
}
