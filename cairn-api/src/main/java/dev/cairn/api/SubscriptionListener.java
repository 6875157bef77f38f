package dev.cairn.api;

/**
 * Receives what a {@link Subscription} delivers. Every method of one subscription is called from
 * that subscription's own thread, one call at a time, in log order.
 *
 * <p>A listener may block: while it does, its subscription reads nothing more, and when it returns
 * the subscription resumes reading from the log where it stopped. That is the back-pressure of a
 * slow consumer; it never delays the writer or any other subscription, and the store buffers
 * nothing on its behalf.
 */
public interface SubscriptionListener {

    /** An event, in order; never one twice, never one skipped. */
    void onEvent(Subscription subscription, ResolvedEvent event);

    /**
     * History is delivered: every event durable when the subscription reached the end of the log
     * has been passed to {@link #onEvent}; what follows is live. Called once.
     */
    default void onCaughtUp(Subscription subscription) {
    }

    /**
     * For filtered {@code $all} subscriptions: every event up to and including {@code position}
     * has been looked at, and the matching ones delivered. A consumer that stores this position
     * and subscribes after it later skips the events that did not match, even if none matched for
     * a long time.
     */
    default void onCheckpoint(Subscription subscription, Position position) {
    }

    /**
     * The subscription ended: {@code error} is null after {@link Subscription#stop()}, a
     * {@link StreamDeletedException} when the subscribed stream was tombstoned, a
     * {@link StoreUnavailableException} when the store closed, or what {@link #onEvent} threw.
     * Called once, last.
     */
    default void onStopped(Subscription subscription, Throwable error) {
    }
}
