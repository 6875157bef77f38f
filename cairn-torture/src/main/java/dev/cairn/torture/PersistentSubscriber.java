package dev.cairn.torture;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A persistent subscription group to {@code $all} (the load's streams, by a stream-name prefix
 * filter) with competing consumers that ack every event they receive, across node kills. The group
 * is created once; after each restart the consumers connect again and the node resumes the group
 * from its last stored checkpoint, so events after it are delivered again: at-least-once.
 *
 * <p>What it checks against the restarted node's {@code $all}: every delivery is an event the
 * node has, at the position it was delivered with (nothing phantom, nothing that the restart lost:
 * a subscription delivers only durable events); and once it has had time to catch up, every event
 * of its source was delivered at least once (no gap). Redeliveries are counted, not faulted.
 *
 * <p>The filter is the regular expression {@code ^torture-}, not the prefix {@code torture-}: the
 * official Java client (1.1.0) sends a persistent group's stream-name prefix in the filter's regex
 * field, and an unanchored regex {@code torture-} also matches the soft deletes' metadata streams
 * ({@code $$torture-...}). A first run of this check found that.
 *
 * <p>Thread-safety: the client's threads deliver; everything else goes through synchronized
 * methods.
 */
final class PersistentSubscriber implements Subscriber {

    static final String GROUP = "torture";
    private static final String PREFIX = "torture-";

    /** One event as first delivered, with how often it came. */
    private record Delivery(UUID id, long position, int round) {
    }

    private final int consumers;
    private final Map<Long, Delivery> delivered = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<PersistentSubscription> subscriptions = new ArrayList<>();
    private long deliveries;
    private long redeliveries;
    private int round;
    private long roundDeliveries;
    private boolean created;

    /** A group with {@code consumers} competing consumers. */
    PersistentSubscriber(int consumers) {
        if (consumers < 1) {
            throw new IllegalArgumentException("a persistent group needs at least one consumer");
        }
        this.consumers = consumers;
    }

    @Override
    public void start(KurrentDBClient client) throws Exception {
        KurrentDBPersistentSubscriptionsClient persistent = KurrentDBPersistentSubscriptionsClient.from(client);
        if (!created) {
            try {
                persistent.createToAll(GROUP, CreatePersistentSubscriptionToAllOptions.get().fromStart()
                        .filter(SubscriptionFilter.newBuilder().withStreamNameRegularExpression("^" + PREFIX)
                                .build())
                        .checkpointAfterInMs(500).checkpointLowerBound(10).checkpointUpperBound(500)
                        .messageTimeoutInMs(10_000).maxRetryCount(1_000)).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // created before a kill cut off the answer
                if (!(e.getCause() instanceof StatusRuntimeException sre
                        && sre.getStatus().getCode() == Status.Code.ALREADY_EXISTS)) {
                    throw e;
                }
            }
            created = true;
        }
        synchronized (this) {
            round++;
            roundDeliveries = 0;
        }
        for (int c = 0; c < consumers; c++) {
            PersistentSubscription s = persistent.subscribeToAll(GROUP,
                    SubscribePersistentSubscriptionOptions.get().bufferSize(64), new PersistentSubscriptionListener() {
                        @Override
                        public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
                            deliver(event);
                            subscription.ack(event);
                        }
                    }).get(30, TimeUnit.SECONDS);
            synchronized (this) {
                subscriptions.add(s);
            }
        }
    }

    @Override
    public void stop() {
        List<PersistentSubscription> running;
        synchronized (this) {
            running = List.copyOf(subscriptions);
            subscriptions.clear();
        }
        for (PersistentSubscription s : running) {
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
        deliveries++;
        roundDeliveries++;
        Delivery first = delivered.putIfAbsent(position, new Delivery(e.getEventId(), position, round));
        if (first == null) {
            return;
        }
        redeliveries++;
        if (!first.id().equals(e.getEventId())) {
            violations.add("persistent: position " + position + " was delivered as " + first.id() + " and later as "
                    + e.getEventId());
        }
    }

    /** Distinct events delivered so far. */
    @Override
    public synchronized int count() {
        return delivered.size();
    }

    /** Deliveries in all, redeliveries included. */
    synchronized long deliveries() {
        return deliveries;
    }

    /** Deliveries of events delivered before (after a restart, a timeout or a lost ack). */
    synchronized long redeliveries() {
        return redeliveries;
    }

    /** Deliveries since the consumers last connected. */
    synchronized long roundDeliveries() {
        return roundDeliveries;
    }

    /** The events of its source in {@code all}: the load's streams. */
    static List<Verifier.Entry> source(List<Verifier.Entry> all) {
        return all.stream().filter(e -> e.stream().startsWith(PREFIX)).toList();
    }

    @Override
    public synchronized boolean caughtUp(List<Verifier.Entry> all) {
        return source(all).stream().allMatch(e -> delivered.containsKey(e.position()));
    }

    /** Events of its source that were never delivered (a gap when {@code all} is complete). */
    synchronized long undelivered(List<Verifier.Entry> all) {
        return source(all).stream().filter(e -> !delivered.containsKey(e.position())).count();
    }

    /** Deliveries of events that {@code all} does not have there: not written, or lost by a restart. */
    synchronized long phantoms(List<Verifier.Entry> all) {
        Map<Long, UUID> source = new HashMap<>();
        source(all).forEach(e -> source.put(e.position(), e.id()));
        return delivered.values().stream().filter(d -> !d.id().equals(source.get(d.position()))).count();
    }

    @Override
    public synchronized List<String> check(List<Verifier.Entry> all, boolean complete) {
        List<String> found = new ArrayList<>(violations);
        violations.clear();
        Map<Long, UUID> source = new HashMap<>();
        source(all).forEach(e -> source.put(e.position(), e.id()));
        int reported = 0;
        for (Delivery d : delivered.values()) {
            UUID there = source.get(d.position());
            if (!d.id().equals(there) && reported++ < 10) {
                found.add("persistent: delivered " + d.id() + " at position " + d.position() + " in round " + d.round()
                        + " but $all has " + (there == null ? "no event of the load there" : there + " there")
                        + " (a phantom, or an event that was not durable)");
            }
        }
        if (complete) {
            for (Verifier.Entry e : source(all)) {
                if (!delivered.containsKey(e.position()) && reported++ < 20) {
                    found.add("persistent: " + e + " was never delivered (a gap)");
                }
            }
        }
        return found;
    }
}
