package dev.cairn.api;

/**
 * A running catch-up subscription. It delivers history first, then live events as they become
 * durable, to its {@link SubscriptionListener}, until {@link #stop()} is called, the store closes,
 * or the subscribed stream is tombstoned.
 *
 * <p>Thread-safe.
 */
public interface Subscription extends AutoCloseable {

    /** A unique id, sent to remote clients as the subscription's confirmation. */
    String id();

    /**
     * Stops delivery. The listener's {@link SubscriptionListener#onStopped} is called once, with no
     * error, after the event being delivered (if any) returns. Idempotent; does not wait.
     */
    void stop();

    /** Same as {@link #stop()}. */
    @Override
    default void close() {
        stop();
    }
}
