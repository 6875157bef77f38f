package dev.cairn.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * One consumer connected to a persistent subscription group. It receives events on its own thread
 * through its {@link PersistentSubscriptionListener} and must acknowledge each one, or not
 * acknowledge it with a {@link NackAction}; an event neither acknowledged nor nacked within the
 * group's message timeout is retried.
 *
 * <p>Events are named by the id of the record that was delivered: the link when the event came
 * through a resolved link, else the event ({@link ResolvedEvent#originalEvent()}). Acks and nacks
 * for ids not in flight (already acknowledged, or timed out and taken back) are ignored.
 *
 * <p>Thread-safe: ack and nack may be called from any thread, including from the listener.
 */
public interface PersistentSubscription extends AutoCloseable {

    /** The group's id, KurrentDB's {@code stream::group}. */
    String id();

    /** The events were handled. */
    void ack(Collection<UUID> eventIds);

    /** The events were not handled: {@code action} says what the group does with them. */
    void nack(NackAction action, String reason, Collection<UUID> eventIds);

    /** Acknowledges delivered events. */
    default void ack(ResolvedEvent... events) {
        ack(ids(events));
    }

    /** Does not acknowledge delivered events. */
    default void nack(NackAction action, String reason, ResolvedEvent... events) {
        nack(action, reason, ids(events));
    }

    private static List<UUID> ids(ResolvedEvent[] events) {
        return Arrays.stream(events).map(e -> e.originalEvent().id()).toList();
    }

    /**
     * Leaves the group. Events in flight to this consumer are retried with the other consumers. The
     * listener's {@link PersistentSubscriptionListener#onStopped} is called once, with no error.
     * Idempotent; does not wait.
     */
    void stop();

    /** Same as {@link #stop()}. */
    @Override
    default void close() {
        stop();
    }
}
