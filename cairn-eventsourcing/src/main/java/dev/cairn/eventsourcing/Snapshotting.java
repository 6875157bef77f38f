package dev.cairn.eventsourcing;

/**
 * An aggregate that can be saved as a snapshot of its state and restored from one, so that loading
 * it reads the last snapshot and the events after it instead of its whole history. A
 * {@link Repository} configured with {@code snapshotEvery(n)} takes one every {@code n} events.
 *
 * <p>Snapshots are a cache: if the state's shape changes so that an old snapshot no longer reads,
 * the aggregate is loaded from its events as if there were none.
 *
 * @param <S> the snapshot's type, usually a record of the aggregate's state
 */
public interface Snapshotting<S> {

    /** The state as a value Jackson can write. */
    S snapshot();

    /** Sets the state from a snapshot (called on a new instance, before any event). */
    void restore(S snapshot);

    /** The snapshot's class, to read it back. */
    Class<S> snapshotType();
}
