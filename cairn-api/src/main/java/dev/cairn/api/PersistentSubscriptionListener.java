package dev.cairn.api;

/**
 * Receives what a persistent subscription group sends one consumer. Every call for one consumer
 * comes from that consumer's own thread, one at a time. A listener may block: the group counts
 * what it sent as in flight and sends this consumer no more than its buffer size.
 */
public interface PersistentSubscriptionListener {

    /**
     * An event to handle, then {@link PersistentSubscription#ack} or
     * {@link PersistentSubscription#nack}. {@code retryCount} is 0 on the first delivery and
     * counts redeliveries. Order is not guaranteed (KurrentDB does not guarantee it either): retries
     * and several consumers reorder events.
     */
    void onEvent(PersistentSubscription subscription, ResolvedEvent event, int retryCount);

    /**
     * The consumer left the group: {@code error} is null after {@link PersistentSubscription#stop()};
     * a {@link PersistentSubscriptionException} with {@link ErrorCode#PERSISTENT_SUBSCRIPTION_DROPPED}
     * when the group was updated, deleted or restarted; a {@link StoreUnavailableException} when the
     * store closed; or what {@link #onEvent} threw. Called once, last.
     */
    default void onStopped(PersistentSubscription subscription, Throwable error) {
    }
}
