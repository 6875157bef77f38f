package dev.cairn.engine.persistent;

import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventStore;
import dev.cairn.api.NackAction;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.Position;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent subscription group at run time: reads its source with a catch-up subscription of
 * the store, shares the events among its consumers, retries, parks and checkpoints them.
 *
 * <p>Where a message is, from reading to handled: the <em>buffer</em> (read ahead, in order), the
 * <em>retry</em> queue (to send again, by sequence; checked before the buffer), the <em>replayed</em>
 * queue (parked events sent again), or <em>in flight</em> (sent to one consumer, waiting for its ack
 * until the message timeout). A message leaves for good when acknowledged, skipped, or durably
 * parked; only then may a checkpoint pass it ({@link CheckpointTracker}).
 *
 * <p>Memory stays bounded: the reader waits (and with it the catch-up subscription, which then
 * reads nothing more from the log) while buffer and retry queue together hold the history or live
 * buffer size; replays wait likewise; in flight is bounded by the consumers' buffer sizes.
 *
 * <p>Thread-safety: all state is guarded by one lock, held briefly by the reader's thread, the
 * consumers' acks and nacks, the service's timer and the store's completion callbacks (which run on
 * {@code callbacks}, never on the writer's thread). No lock is held while a listener runs.
 */
final class SubscriptionGroup {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionGroup.class);

    /** How long an orderly stop waits for its final checkpoint to be durable. */
    private static final long FINAL_CHECKPOINT_SECONDS = 2;

    private final GroupKey key;
    private final GroupSource source;
    private final EventFilter filter;
    private final PersistentSubscriptionSettings settings;
    private final Clock clock;
    private final Executor callbacks;
    private final CheckpointStream checkpoints;
    private final ParkedMessages parked;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when buffer, retry or replayed queue shrink, or the group stops. */
    private final Condition room = lock.newCondition();
    private final CheckpointTracker tracker;
    private final Dispatcher dispatcher;
    private final ArrayDeque<Message> buffer = new ArrayDeque<>();
    private final TreeMap<Long, Message> retry = new TreeMap<>();
    private final ArrayDeque<Message> replayed = new ArrayDeque<>();
    /** By message id, in the order sent, which is the order of their deadlines. */
    private final LinkedHashMap<UUID, InFlight> inFlight = new LinkedHashMap<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private Subscription reader;
    private boolean live;
    private boolean stopped;
    private Throwable fault;
    /** The replay or truncate of parked messages under way, or null. */
    private ParkedReplay replay;
    /** The checkpoint write in flight (completes after the tracker heard of its end), or null. */
    private CompletableFuture<?> checkpointWrite;
    /** Events matched by a filtered {@code $all} reader since its last checkpoint notice. */
    private long matchedSinceNotice;
    private long totalItems;
    private long measuredItems;
    private long measuredMillis;

    private SubscriptionGroup(GroupKey key, GroupSource source, EventFilter filter,
            PersistentSubscriptionSettings settings, EventStore store, SystemAppender appender, Clock clock,
            Executor callbacks) {
        this.key = key;
        this.source = source;
        this.filter = filter;
        this.settings = settings;
        this.clock = clock;
        this.callbacks = callbacks;
        this.checkpoints = new CheckpointStream(store, appender, key, source);
        this.parked = new ParkedMessages(store, key);
        this.dispatcher = new Dispatcher(settings.consumerStrategy());
        this.tracker = new CheckpointTracker(settings, checkpoints.load());
        this.measuredMillis = clock.millis();
    }

    /** Loads the group's checkpoint and starts reading its source after it. */
    static SubscriptionGroup start(GroupKey key, EventFilter filter, PersistentSubscriptionSettings settings,
            EventStore store, SystemAppender appender, Clock clock, Executor callbacks) {
        GroupSource source = key.source().isAll() ? new GroupSource.ToAll(filter) : new GroupSource.ToStream(key.source());
        SubscriptionGroup group = new SubscriptionGroup(key, source, filter, settings, store, appender, clock, callbacks);
        try {
            Subscription reader = source.subscribe(store, group.tracker.checkpointed(), settings, group.new Reader());
            group.lock.lock();
            try {
                group.reader = reader;
            } finally {
                group.lock.unlock();
            }
        } catch (RuntimeException e) {
            group.fail(e);
        }
        return group;
    }

    GroupKey key() {
        return key;
    }

    EventFilter filter() {
        return filter;
    }

    PersistentSubscriptionSettings settings() {
        return settings;
    }

    // ---- reading ----

    /** Feeds the group from the store's catch-up subscription, on that subscription's thread. */
    private final class Reader implements SubscriptionListener {
        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            offer(event);
        }

        @Override
        public void onCaughtUp(Subscription subscription) {
            lock.lock();
            try {
                live = true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onCheckpoint(Subscription subscription, Position position) {
            passedOver(position);
        }

        @Override
        public void onStopped(Subscription subscription, Throwable error) {
            if (error != null) {
                fail(error);
            }
        }
    }

    private int readAheadLimit() {
        return live ? settings.liveBufferSize() : settings.historyBufferSize();
    }

    private void offer(ResolvedEvent event) {
        lock.lock();
        try {
            while (!stopped && buffer.size() + retry.size() >= readAheadLimit()) {
                room.awaitUninterruptibly();
            }
            if (stopped) {
                return;
            }
            buffer.addLast(tracker.read(event, source.positionOf(event)));
            matchedSinceNotice++;
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** A filtered reader looked at a read batch of events up to {@code position}. */
    private void passedOver(Position position) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            tracker.skipped(SourcePosition.LogPosition.of(position), settings.readBatchSize() - matchedSinceNotice);
            matchedSinceNotice = 0;
            checkpointIfDue(false);
        } finally {
            lock.unlock();
        }
    }

    /** Reading the source failed (a tombstoned stream): the consumers are dropped with the reason. */
    private void fail(Throwable error) {
        lock.lock();
        try {
            if (stopped || fault != null) {
                return;
            }
            fault = error;
            LOG.error("persistent subscription {} stopped reading its source: {}", key, error.toString());
            PersistentSubscriptionException failed = PersistentSubscriptionException.failed(key.source(), key.group(),
                    String.valueOf(error.getMessage()));
            for (Consumer c : List.copyOf(consumers)) {
                leaveLocked(c, failed);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- consumers ----

    PersistentSubscription subscribe(ConsumerOptions options, PersistentSubscriptionListener listener) {
        lock.lock();
        try {
            if (stopped) {
                throw PersistentSubscriptionException.dropped(key.source(), key.group());
            }
            if (fault != null) {
                throw PersistentSubscriptionException.failed(key.source(), key.group(), String.valueOf(fault.getMessage()));
            }
            if (settings.maxSubscriberCount() > 0 && consumers.size() >= settings.maxSubscriberCount()) {
                throw PersistentSubscriptionException.maximumSubscribersReached(key.source(), key.group());
            }
            Consumer consumer = new Consumer(this, options, listener);
            consumers.add(consumer);
            consumer.start();
            dispatch();
            return consumer;
        } finally {
            lock.unlock();
        }
    }

    /** {@code consumer} leaves: what it had in flight is retried elsewhere. */
    void leave(Consumer consumer, Throwable error) {
        lock.lock();
        try {
            leaveLocked(consumer, error);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    private void leaveLocked(Consumer consumer, Throwable error) {
        if (consumers.remove(consumer)) {
            for (Iterator<InFlight> it = inFlight.values().iterator(); it.hasNext();) {
                InFlight f = it.next();
                if (f.consumer == consumer) {
                    it.remove();
                    takeBack(f);
                    retryOrPark(f.message);
                }
            }
        }
        consumer.end(error);
    }

    /** Sends what can be sent: retries first, then replayed parked messages, then new ones. */
    private void dispatch() {
        if (stopped || consumers.isEmpty()) {
            return;
        }
        long now = clock.millis();
        try {
            if (!dispatchFrom(retry.values().iterator(), now) || !dispatchFrom(replayed.iterator(), now)) {
                return;
            }
            while (!buffer.isEmpty()) {
                Message m = buffer.peekFirst();
                Dispatcher.Pick pick = pick(m);
                if (pick instanceof Dispatcher.Pick.Full) {
                    return;
                }
                buffer.pollFirst();
                if (pick instanceof Dispatcher.Pick.To to) {
                    send(m, to.consumer(), now);
                } else {
                    // its consumer is full: it waits with the retries, in order, and the rest go on
                    retry.put(m.sequence, m);
                }
            }
        } finally {
            room.signalAll();
        }
    }

    /** Sends from a queue; false when no consumer has room left. */
    private boolean dispatchFrom(Iterator<Message> queue, long now) {
        while (queue.hasNext()) {
            Message m = queue.next();
            Dispatcher.Pick pick = pick(m);
            if (pick instanceof Dispatcher.Pick.Full) {
                return false;
            }
            if (pick instanceof Dispatcher.Pick.To to) {
                queue.remove();
                send(m, to.consumer(), now);
            }
        }
        return true;
    }

    private Dispatcher.Pick pick(Message m) {
        // two events with one id (possible across streams in $all) are never in flight together
        return inFlight.containsKey(m.id) ? Dispatcher.Pick.Skip.INSTANCE : dispatcher.pick(m, consumers);
    }

    private void send(Message m, Consumer consumer, long now) {
        long timeout = settings.messageTimeout().toMillis();
        InFlight f = new InFlight(m, consumer, timeout == 0 ? Long.MAX_VALUE : now + timeout);
        inFlight.put(m.id, f);
        consumer.inFlight++;
        consumer.totalItems++;
        totalItems++;
        consumer.send(f);
    }

    private void takeBack(InFlight f) {
        f.revoked = true;
        f.consumer.inFlight--;
    }

    // ---- acks, nacks, timeouts ----

    void ack(List<UUID> ids) {
        lock.lock();
        try {
            for (UUID id : ids) {
                InFlight f = inFlight.remove(id);
                if (f != null) {
                    f.consumer.inFlight--;
                    handled(f.message);
                }
            }
            checkpointIfDue(false);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    void nack(NackAction action, String reason, List<UUID> ids) {
        lock.lock();
        try {
            for (UUID id : ids) {
                InFlight f = inFlight.remove(id);
                if (f == null) {
                    continue;
                }
                f.consumer.inFlight--;
                switch (action) {
                    case UNKNOWN, RETRY -> retryOrPark(f.message);
                    case PARK -> park(f.message, "Client explicitly NAK'ed message.\n" + reason);
                    case SKIP, STOP -> handled(f.message);
                }
            }
            checkpointIfDue(false);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Retries messages whose timeout passed, and writes a checkpoint if one is due by time. */
    void tick(long nowMillis) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            for (Iterator<InFlight> it = inFlight.values().iterator(); it.hasNext();) {
                InFlight f = it.next();
                if (f.deadline > nowMillis) {
                    break;
                }
                it.remove();
                takeBack(f);
                retryOrPark(f.message);
            }
            dispatch();
            checkpointIfDue(true);
        } finally {
            lock.unlock();
        }
    }

    private void retryOrPark(Message m) {
        if (m.retryCount >= settings.maxRetryCount()) {
            park(m, "Reached retry count of " + settings.maxRetryCount());
        } else {
            m.retryCount++;
            requeue(m);
        }
    }

    private void requeue(Message m) {
        if (m.isReplayed()) {
            replayed.addLast(m);
        } else {
            retry.put(m.sequence, m);
        }
    }

    /** Links the message into the parked stream; it stays pending until that link is durable. */
    private void park(Message m, String reason) {
        parked.park(m.event, reason, clock.instant()).whenCompleteAsync((result, error) -> {
            lock.lock();
            try {
                if (stopped) {
                    return;
                }
                if (error == null) {
                    handled(m);
                    checkpointIfDue(false);
                } else {
                    LOG.warn("persistent subscription {}: parking {} failed, retrying it: {}", key, m.id, error.toString());
                    requeue(m);
                }
                dispatch();
            } finally {
                lock.unlock();
            }
        }, callbacks);
    }

    private void handled(Message m) {
        tracker.handled(m);
        if (m.replay != null) {
            m.replay.handled();
        }
        room.signalAll();
    }

    private void checkpointIfDue(boolean timerTick) {
        long now = clock.millis();
        CheckpointTracker.Due due = tracker.due(now, timerTick, false);
        if (due == null) {
            return;
        }
        long before = tracker.checkpointedSequence();
        tracker.writing(due, now);
        checkpointWrite = checkpoints.write(due.position()).whenCompleteAsync((result, error) -> {
            lock.lock();
            try {
                tracker.written(due, error == null, before);
                if (error != null && !stopped) {
                    LOG.warn("persistent subscription {}: writing checkpoint {} failed: {}", key, due.position(),
                            error.toString());
                }
            } finally {
                lock.unlock();
            }
        }, callbacks);
    }

    // ---- parked messages ----

    /** Starts replaying parked messages below {@code stopAt} (all when null); fails if one runs. */
    void replayParked(Long stopAt) {
        ParkedReplay r = beginParkedOperation();
        long end;
        try {
            end = parked.end();
        } catch (RuntimeException e) {
            replayEnded(r);
            throw e;
        }
        r.start(stopAt == null ? end : Math.min(stopAt, end));
    }

    /** Drops parked messages below {@code stopAt} (all when null) unreplayed; returns once durable. */
    void truncateParked(Long stopAt) {
        ParkedReplay r = beginParkedOperation();
        try {
            long end = parked.end();
            EventStore.await(parked.truncateBefore(stopAt == null ? end : Math.min(stopAt, end)));
        } finally {
            replayEnded(r);
        }
    }

    private ParkedReplay beginParkedOperation() {
        lock.lock();
        try {
            if (stopped) {
                throw PersistentSubscriptionException.dropped(key.source(), key.group());
            }
            if (replay != null) {
                throw PersistentSubscriptionException.failed(key.source(), key.group(),
                        "A replay or truncate is already in progress.");
            }
            replay = new ParkedReplay(this, parked, settings.readBatchSize(), callbacks);
            return replay;
        } finally {
            lock.unlock();
        }
    }

    /** Queues a replayed event, waiting while the replay queue is full; false once that is pointless. */
    boolean enqueueReplayed(ParkedReplay r, ResolvedEvent event) {
        lock.lock();
        try {
            while (!stopped && replayed.size() >= settings.historyBufferSize()) {
                room.awaitUninterruptibly();
            }
            if (stopped || replay != r) {
                return false;
            }
            replayed.addLast(Message.replayed(event, r));
            r.queued();
            dispatch();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code r} is the group's replay under way (the lock is held). */
    boolean isReplaying(ParkedReplay r) {
        return replay == r && !stopped;
    }

    /** Another replay or truncate may start. */
    void replayEnded(ParkedReplay r) {
        locked(() -> {
            if (replay == r) {
                replay = null;
            }
        });
    }

    /** Runs {@code action} under the group's lock. */
    void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    // ---- lifecycle and statistics ----

    /**
     * Stops reading and drops every consumer with {@code consumerError}. With
     * {@code finalCheckpoint}, first writes (and briefly waits for) a checkpoint of everything
     * handled, so that a restart redelivers as little as it can. Idempotent.
     */
    void stop(Throwable consumerError, boolean finalCheckpoint) {
        Subscription r;
        CompletableFuture<?> writing;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            for (Consumer c : consumers) {
                c.end(consumerError);
            }
            consumers.clear();
            inFlight.values().forEach(f -> f.revoked = true);
            r = reader;
            writing = checkpointWrite;
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (r != null) {
            r.stop();
        }
        if (finalCheckpoint) {
            writeFinalCheckpoint(writing);
        }
    }

    private void writeFinalCheckpoint(CompletableFuture<?> writing) {
        try {
            if (writing != null) {
                writing.get(FINAL_CHECKPOINT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // that write failed or hangs: the final one below still records the progress, or says why not
        }
        CheckpointTracker.Due due;
        lock.lock();
        try {
            due = tracker.due(clock.millis(), false, true);
        } finally {
            lock.unlock();
        }
        if (due == null) {
            return;
        }
        try {
            checkpoints.write(due.position()).get(FINAL_CHECKPOINT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("persistent subscription {}: final checkpoint {} not written: {}", key, due.position(), e.toString());
        }
    }

    PersistentSubscriptionInfo info() {
        return info(true);
    }

    /**
     * The group's settings and statistics.
     *
     * @param measure whether this report ends a measurement period (KurrentDB's GetInfo and List
     *     do: the per-second and since-last figures are since the previous report); metrics look
     *     without ending one
     */
    PersistentSubscriptionInfo info(boolean measure) {
        long parkedCount;
        try {
            parkedCount = parked.count();
        } catch (RuntimeException e) {
            parkedCount = 0;
        }
        lock.lock();
        try {
            long now = clock.millis();
            long elapsed = Math.max(1, now - measuredMillis);
            List<PersistentSubscriptionInfo.Connection> connections = new ArrayList<>();
            int totalInFlight = 0;
            for (Consumer c : consumers) {
                long since = c.totalItems - c.measuredItems;
                if (measure) {
                    c.measuredItems = c.totalItems;
                }
                totalInFlight += c.inFlight;
                connections.add(new PersistentSubscriptionInfo.Connection(c.options.from(), c.options.username(),
                        (int) (since * 1000 / elapsed), c.totalItems, since, c.availableSlots(), c.inFlight,
                        c.options.connectionName()));
            }
            long since = totalItems - measuredItems;
            if (measure) {
                measuredItems = totalItems;
                measuredMillis = now;
            }
            String status = fault != null ? "Faulted" : live ? "Live" : "Behind";
            if (replay != null) {
                status += ", ReplayingParkedMessages";
            }
            SourcePosition checkpointed = tracker.checkpointed();
            SourcePosition lastKnown = tracker.lastKnown();
            return new PersistentSubscriptionInfo(key.source(), key.group(), status, settings, filter, connections,
                    (int) (since * 1000 / elapsed), totalItems, since,
                    checkpointed == null ? "" : checkpointed.toString(), lastKnown == null ? "" : lastKnown.toString(),
                    live ? 0 : buffer.size(), live ? buffer.size() : 0, retry.size() + replayed.size(),
                    totalInFlight, inFlight.size(), parkedCount);
        } finally {
            lock.unlock();
        }
    }
}
