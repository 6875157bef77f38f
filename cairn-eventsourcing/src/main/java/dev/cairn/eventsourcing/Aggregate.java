package dev.cairn.eventsourcing;

import dev.cairn.api.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The base of an event-sourced aggregate: its state is the result of applying its events in
 * order. Command methods check the rules against the current state and {@link #raise} events;
 * {@link #apply} changes the state for one event and never refuses it (the event already happened).
 *
 * <pre>{@code
 * final class LightSwitch extends Aggregate<SwitchEvent> {
 *     private boolean on;
 *     LightSwitch(String id) { super(id); }
 *     void turnOn() {
 *         if (on) throw new IllegalStateException("already on");
 *         raise(new SwitchedOn());
 *     }
 *     protected void apply(SwitchEvent e) {
 *         switch (e) { case SwitchedOn s -> on = true; case SwitchedOff s -> on = false; }
 *     }
 * }
 * }</pre>
 *
 * <p>Versions are stream revisions: -1 for an aggregate with no events, then the revision of the
 * last event applied. Not thread-safe: an aggregate instance belongs to the command handling it.
 *
 * @param <E> the aggregate's event type, usually a sealed interface of records
 */
public abstract class Aggregate<E> {

    private final String id;
    private long version = -1;
    private long savedVersion = -1;
    private Position position;
    private final List<E> pending = new ArrayList<>();

    protected Aggregate(String id) {
        this.id = Objects.requireNonNull(id, "aggregate id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("aggregate id must not be empty");
        }
    }

    /** Changes the state for one event: the event already happened, so this never refuses it. */
    protected abstract void apply(E event);

    /** Records a new event: applies it and keeps it to be saved. */
    protected final void raise(E event) {
        Objects.requireNonNull(event, "event");
        apply(event);
        pending.add(event);
        version++;
    }

    public final String id() {
        return id;
    }

    /** The revision of the last event applied, saved or not; -1 with none. */
    public final long version() {
        return version;
    }

    /** The revision of the last saved event: what a save expects the stream to be at; -1 with none. */
    public final long savedVersion() {
        return savedVersion;
    }

    /**
     * The position in the global log of the last stored event this instance knows of (loaded or
     * saved), or null for an aggregate never stored. Pass it to a projection runner's
     * {@code waitFor} to read your own write in a view.
     */
    public final Position position() {
        return position;
    }

    /** Events raised since the aggregate was loaded or last saved, in order. */
    public final List<E> pendingEvents() {
        return List.copyOf(pending);
    }

    /** Applies a stored event while loading. */
    final void replay(E event, long revision, Position at) {
        apply(event);
        version = revision;
        savedVersion = revision;
        position = at;
    }

    /** The state came from a snapshot taken at {@code revision}, whose event is at {@code at}. */
    final void restoredAt(long revision, Position at) {
        version = revision;
        savedVersion = revision;
        position = at;
    }

    /** The pending events were stored; the last one at {@code revision} and {@code at}. */
    final void saved(long revision, Position at) {
        pending.clear();
        version = revision;
        savedVersion = revision;
        position = at;
    }
}
