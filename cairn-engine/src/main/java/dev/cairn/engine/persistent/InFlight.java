package dev.cairn.engine.persistent;

/**
 * A message sent to a consumer and not yet acknowledged. Guarded by the group's lock, except
 * {@link #revoked}, which the consumer's thread reads before delivering: a message taken back
 * (timed out, consumer gone) while it waited in the consumer's queue is not delivered late.
 */
final class InFlight {

    final Message message;
    final Consumer consumer;
    /** The retry count it was sent with. */
    final int retryCount;
    /** When it times out (the clock's milliseconds); {@link Long#MAX_VALUE} for never. */
    final long deadline;
    volatile boolean revoked;

    InFlight(Message message, Consumer consumer, long deadline) {
        this.message = message;
        this.consumer = consumer;
        this.retryCount = message.retryCount;
        this.deadline = deadline;
    }
}
