package dev.cairn.torture;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A catch-up subscriber to {@code $all} that survives node kills the way an application does: it
 * keeps its checkpoint (the position of the last event it received) and, after each restart,
 * subscribes again from there. What it received over all rounds must be exactly the node's
 * {@code $all}, in order, with no gap and no duplicate, and it may never have received an event
 * that a restart then lost (a subscription delivers only durable events).
 *
 * <p>Thread-safety: the client's subscription thread appends; readers call the synchronized
 * accessors.
 */
final class AllSubscriber implements Subscriber {

    /** One delivery: the event's id and its commit position in {@code $all}. */
    record Delivery(UUID id, long position, String stream) {
    }

    private final int id;
    private final List<Delivery> received = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private volatile Subscription subscription;

    AllSubscriber(int id) {
        this.id = id;
    }

    /** Subscribes from the checkpoint (or the start), as an application resuming would. */
    @Override
    public void start(KurrentDBClient client) throws Exception {
        SubscribeToAllOptions options = SubscribeToAllOptions.get();
        Delivery last = last();
        options = last == null ? options.fromStart()
                : options.fromPosition(new Position(last.position(), last.position()));
        subscription = client.subscribeToAll(new SubscriptionListener() {
            @Override
            public void onEvent(Subscription s, ResolvedEvent event) {
                deliver(event);
            }
        }, options).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        Subscription s = subscription;
        if (s != null) {
            try {
                s.stop();
            } catch (RuntimeException ignored) {
                // the node is gone; the subscription is already dead
            }
        }
    }

    private synchronized void deliver(ResolvedEvent event) {
        RecordedEvent e = event.getOriginalEvent();
        long position = e.getPosition().getCommitUnsigned();
        Delivery last = received.isEmpty() ? null : received.getLast();
        if (last != null && Long.compareUnsigned(position, last.position()) <= 0) {
            violations.add("subscriber " + id + " received position " + position + " after " + last.position()
                    + " (a duplicate or out of order)");
            return;
        }
        received.add(new Delivery(e.getEventId(), position, e.getStreamId()));
    }

    synchronized Delivery last() {
        return received.isEmpty() ? null : received.getLast();
    }

    synchronized List<Delivery> received() {
        return List.copyOf(received);
    }

    @Override
    public synchronized int count() {
        return received.size();
    }

    @Override
    public synchronized List<String> check(List<Verifier.Entry> all, boolean complete) {
        List<String> found = new ArrayList<>(violations);
        int n = Math.min(received.size(), all.size());
        for (int i = 0; i < n; i++) {
            Delivery d = received.get(i);
            Verifier.Entry e = all.get(i);
            if (d.position() != e.position() || !d.id().equals(e.id())) {
                found.add("subscriber " + id + ": delivery " + i + " was " + d + " but $all has " + e
                        + " there (a gap, a duplicate or a lost event)");
                return found;
            }
        }
        if (received.size() > all.size()) {
            found.add("subscriber " + id + " received " + received.size() + " events but $all has only " + all.size()
                    + " after the restart: it was given events that were not durable, first " + received.get(n));
        } else if (complete && received.size() < all.size()) {
            found.add("subscriber " + id + " caught up with only " + received.size() + " of " + all.size() + " events");
        }
        return found;
    }

    int id() {
        return id;
    }
}
