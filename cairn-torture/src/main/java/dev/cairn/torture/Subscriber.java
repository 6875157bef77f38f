package dev.cairn.torture;

import io.kurrent.dbclient.KurrentDBClient;
import java.util.List;

/**
 * A subscriber in the torture: it (re)subscribes after each restart and is checked against the
 * node's {@code $all} after it. {@link AllSubscriber} is the catch-up kind (exactly once, no gap,
 * in order).
 *
 * {@link PersistentSubscriber} is a persistent subscription group (at least once, no gap by the
 * end, nothing phantom).
 */
interface Subscriber {

    /** Subscribes to the node {@code client} talks to, resuming from where this subscriber was. */
    void start(KurrentDBClient client) throws Exception;

    /** Stops the subscription (the node may already be gone). */
    void stop();

    /** How many events it has received so far. */
    int count();

    /** Whether it has received every event of {@code all} it subscribes to. */
    default boolean caughtUp(List<Verifier.Entry> all) {
        return count() >= all.size();
    }

    /**
     * Checks what it received against the node's {@code $all}, in order.
     *
     * @param complete whether it has had time to catch up with all of it
     * @return the violations found, empty when it kept its promises
     */
    List<String> check(List<Verifier.Entry> all, boolean complete);
}
