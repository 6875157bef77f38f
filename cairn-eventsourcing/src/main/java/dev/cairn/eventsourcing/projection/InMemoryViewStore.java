package dev.cairn.eventsourcing.projection;

import dev.cairn.api.Position;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A view held in memory, for tests and for views that are rebuilt at every start: a state object
 * and the projections' positions, changed under one lock. Readers use {@link #read} to see a state
 * no change is half-way through. A change that throws may leave the state partly changed (there is
 * no rollback in memory); the position is then not stored.
 *
 * <p>Thread-safe.
 *
 * @param <S> the state, a mutable object the projection changes
 */
public final class InMemoryViewStore<S> implements ViewStore<S> {

    private final S state;
    private final Map<String, Position> positions = new HashMap<>();

    public InMemoryViewStore(S state) {
        this.state = state;
    }

    /** Reads the state under the lock. */
    public synchronized <R> R read(Function<S, R> reader) {
        return reader.apply(state);
    }

    @Override
    public synchronized Position position(String projection) {
        return positions.get(projection);
    }

    @Override
    public synchronized void commit(String projection, Position position, Change<S> change) throws Exception {
        if (change != null) {
            change.apply(state);
        }
        positions.put(projection, position);
    }
}
