package dev.cairn.torture;

import io.kurrent.dbclient.KurrentDBClient;
import java.util.List;

/**
 * A subscriber in the torture: it (re)subscribes after each restart and is checked against the
 * node's {@code $all} after it. {@link AllSubscriber} is the catch-up kind (exactly once, no gap,
 * in order).
 *
 * <p>Hook for persistent subscriptions (being built separately): a persistent subscriber
 * implements this too. It creates its group once (from the start of {@code $all} or a stream), acks
 * what it processed, and resumes from the server's checkpoint after each restart; its
 * {@link #check} must accept redeliveries (at-least-once) but no gap: every event of its source
 * that the node has must have been delivered at least once by the end. Register it in
 * {@link Torture} beside the catch-up subscribers.
 */
interface Subscriber {

    /** Subscribes to the node {@code client} talks to, resuming from where this subscriber was. */
    void start(KurrentDBClient client) throws Exception;

    /** Stops the subscription (the node may already be gone). */
    void stop();

    /** How many events it has received so far. */
    int count();

    /**
     * Checks what it received against the node's {@code $all}, in order.
     *
     * @param complete whether it has had time to catch up with all of it
     * @return the violations found, empty when it kept its promises
     */
    List<String> check(List<Verifier.Entry> all, boolean complete);
}
