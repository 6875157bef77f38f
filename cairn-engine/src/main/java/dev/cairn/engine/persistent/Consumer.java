package dev.cairn.engine.persistent;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.NackAction;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionListener;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a group: a virtual thread that takes what the group sent it from a queue and
 * hands it to the listener, so that a slow consumer blocks no one else. The group never sends it
 * more than its buffer size in flight, which bounds the queue.
 *
 * <p>Thread-safe. {@link #inFlight} and the counters are guarded by the group's lock.
 */
final class Consumer implements PersistentSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    private static final Object END = new Object();

    private final SubscriptionGroup group;
    final ConsumerOptions options;
    private final PersistentSubscriptionListener listener;
    /** Seeds this consumer's weight in the pinned strategies' hashing. */
    final long seed = ThreadLocalRandom.current().nextLong();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Throwable endError;

    /** Messages sent and not yet acknowledged (guarded by the group's lock). */
    int inFlight;
    /** Messages sent, ever, and at the previous statistics report (guarded by the group's lock). */
    long totalItems;
    long measuredItems;

    Consumer(SubscriptionGroup group, ConsumerOptions options, PersistentSubscriptionListener listener) {
        this.group = group;
        this.options = options;
        this.listener = listener;
    }

    void start() {
        Thread.ofVirtual().name("cairn-persistent-" + group.key() + "-consumer").start(this::run);
    }

    @Override
    public String id() {
        return group.key().id();
    }

    int availableSlots() {
        return Math.max(0, options.bufferSize() - inFlight);
    }

    /** The group sends a message (under its lock). */
    void send(InFlight message) {
        queue.add(message);
    }

    /**
     * The group let this consumer go (under its lock): deliver nothing more, then report
     * {@code error} (null for an orderly stop) to the listener. Idempotent.
     */
    void end(Throwable error) {
        if (ended.compareAndSet(false, true)) {
            endError = error;
            queue.clear();
            queue.add(END);
        }
    }

    @Override
    public void ack(Collection<UUID> eventIds) {
        group.ack(List.copyOf(eventIds));
    }

    @Override
    public void nack(NackAction action, String reason, Collection<UUID> eventIds) {
        group.nack(action, reason, List.copyOf(eventIds));
    }

    @Override
    public void stop() {
        group.leave(this, null);
    }

    private void run() {
        Throwable failure = null;
        try {
            while (true) {
                Object next = queue.take();
                if (next == END || ended.get()) {
                    break;
                }
                InFlight message = (InFlight) next;
                if (!message.revoked) {
                    listener.onEvent(this, message.message.event, message.retryCount);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            if (t instanceof AccessDeniedException) {
                LOG.info("persistent subscription {}: a consumer leaves the group: {}", group.key(), t.getMessage());
            } else {
                LOG.warn("persistent subscription {}: a consumer's listener failed; it leaves the group", group.key(), t);
            }
            group.leave(this, t);
        } finally {
            try {
                listener.onStopped(this, failure != null ? failure : endError);
            } catch (RuntimeException e) {
                LOG.warn("persistent subscription {}: listener failed in onStopped", group.key(), e);
            }
        }
    }
}
