package dev.cairn.engine.streams;

import dev.cairn.api.EventIterator;
import dev.cairn.api.Position;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogCursor;
import dev.cairn.engine.log.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One catch-up subscription, on its own virtual thread: read a batch up to the committed end,
 * deliver it, and when the end is reached say so once ({@code caught up}) and wait for the next
 * durable group. Subclasses know how to read a batch: {@link ToAll} walks the log, {@link ToStream}
 * reads the stream's index.
 */
abstract sealed class CatchUpSubscription implements Subscription
        permits CatchUpSubscription.ToAll, CatchUpSubscription.ToStream {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpSubscription.class);

    final Subscriptions hub;
    private final SubscriptionListener listener;
    private final String id = UUID.randomUUID().toString();
    private volatile boolean stopped;
    private Thread thread;

    CatchUpSubscription(Subscriptions hub, SubscriptionListener listener) {
        this.hub = hub;
        this.listener = listener;
    }

    /** What one read produced: items to deliver and whether the committed end was reached. */
    record Batch(List<Object> items, boolean reachedEnd) {
    }

    /**
     * Reads what comes next, up to {@code end}. Items are {@link ResolvedEvent}s and, for filtered
     * {@code $all} subscriptions, checkpoint {@link Position}s. Called under the hub's read guard.
     */
    abstract Batch read(long end);

    @Override
    public String id() {
        return id;
    }

    void start() {
        thread = Thread.ofVirtual().name("cairn-subscription-" + id).unstarted(this::run);
        thread.start();
    }

    @Override
    public void stop() {
        stopped = true;
        wakeUp();
    }

    void wakeUp() {
        Thread t = thread;
        if (t != null) {
            hub.signal().wake(t);
        }
    }

    void join(long deadlineNanos) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait > 0) {
            try {
                thread.join(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Throwable error = null;
        boolean caughtUp = false;
        try {
            while (!stopped) {
                long end = hub.signal().end();
                if (!hub.enterRead()) {
                    throw new StoreUnavailableException("the store is closed");
                }
                Batch batch;
                try {
                    batch = read(end);
                } finally {
                    hub.exitRead();
                }
                for (Object item : batch.items) {
                    if (stopped) {
                        break;
                    }
                    if (item instanceof ResolvedEvent event) {
                        listener.onEvent(this, event);
                    } else {
                        listener.onCheckpoint(this, (Position) item);
                    }
                }
                if (stopped) {
                    break;
                }
                if (batch.reachedEnd) {
                    if (!caughtUp) {
                        caughtUp = true;
                        listener.onCaughtUp(this);
                    }
                    hub.signal().awaitBeyond(end, () -> stopped);
                    if (hub.closed()) {
                        throw new StoreUnavailableException("the store is closed");
                    }
                }
            }
        } catch (Throwable t) {
            error = t;
        } finally {
            hub.ended(this);
            try {
                listener.onStopped(this, stopped ? null : error);
            } catch (RuntimeException e) {
                LOG.warn("subscription {}: listener failed in onStopped", id, e);
            }
        }
    }

    /** {@code $all}: walks the log from a position, applying the filter, counting for checkpoints. */
    static final class ToAll extends CatchUpSubscription {
        private final FilterMatcher filter;
        private final boolean resolve;
        private final int checkpointInterval;
        /** Where the next read starts (a record start, or a position the cursor aligns). */
        private long next;
        /** Events at or before this were delivered before the subscription began (exclusive start). */
        private final long skipThrough;
        private long scanned;

        ToAll(Subscriptions hub, SubscriptionListener listener, SubscribeToAllOptions options) {
            super(hub, listener);
            this.filter = FilterMatcher.of(options.filter());
            this.resolve = options.resolveLinks();
            this.checkpointInterval = options.checkpointInterval();
            Log log = hub.reads().catalog().log();
            Position after = options.after();
            if (after == null) {
                next = log.firstPosition();
                skipThrough = -1;
            } else if (after.isEnd()) {
                next = log.committedEnd();
                skipThrough = -1;
            } else {
                // positions are unsigned: anything beyond the committed end waits there
                long committed = log.committedEnd();
                next = Long.compareUnsigned(after.prepare(), committed) > 0 ? committed : after.prepare();
                skipThrough = after.prepare();
            }
        }

        @Override
        Batch read(long end) {
            Reads reads = hub.reads();
            TailCache cache = hub.tailCache();
            LogCursor cursor = null;
            List<Object> items = new ArrayList<>();
            int events = 0;
            long bytes = 0;
            while (events < Subscriptions.BATCH_EVENTS && bytes < Subscriptions.BATCH_BYTES && next < end) {
                LogRecord record;
                TailCache.Entry cached = cache.get(next);
                if (cached != null) {
                    record = cached.record();
                    next = cached.next();
                } else {
                    if (cursor == null || cursor.position() != next) {
                        if (cursor != null) {
                            cursor.flushCounts();
                        }
                        cursor = reads.catalog().log().forwards(next, end);
                    }
                    record = cursor.next();
                    if (record == null) {
                        next = cursor.position();
                        break;
                    }
                    next = cursor.position();
                    cache.put(record, next);
                }
                if (!(record instanceof LogRecord.Event e) || FilterMatcher.hiddenFromAll(e)
                        || (skipThrough >= 0 && Long.compareUnsigned(e.position(), skipThrough) <= 0)) {
                    continue;
                }
                if (filter == null || filter.matches(e)) {
                    items.add(reads.resolve(e, resolve));
                    events++;
                    bytes += e.data().length + e.metadata().length;
                }
                if (filter != null && ++scanned >= checkpointInterval) {
                    scanned = 0;
                    items.add(Position.of(e.position(), e.position()));
                }
            }
            if (cursor != null) {
                cursor.flushCounts();
            }
            return new Batch(items, next >= end);
        }
    }

    /** One stream: reads its index from the next revision, so history costs no scan of the log. */
    static final class ToStream extends CatchUpSubscription {
        private final StreamName stream;
        private final boolean resolve;
        /** The next revision to deliver; -1 until the start is known (from the end). */
        private long next;

        ToStream(Subscriptions hub, SubscriptionListener listener, StreamName stream, SubscribeToStreamOptions options) {
            super(hub, listener);
            this.stream = stream;
            this.resolve = options.resolveLinks();
            StreamRevision after = options.after();
            if (after == null) {
                next = 0;
            } else if (after.isEnd()) {
                StreamInfo info = hub.reads().catalog().info(stream.value());
                next = info == null ? 0 : info.lastRevision() + 1;
            } else {
                next = after.value() + 1;
            }
        }

        @Override
        Batch read(long end) {
            StreamInfo info = hub.reads().catalog().info(stream.value());
            if (info != null && info.tombstoned()) {
                throw new StreamDeletedException(stream);
            }
            List<Object> items = new ArrayList<>();
            if (info == null || info.lastRevision() < next) {
                return new Batch(items, true);
            }
            try (EventIterator it = hub.streamReader().read(stream,
                    new ReadStreamOptions(ReadDirection.FORWARDS, StreamRevision.of(next), Subscriptions.BATCH_EVENTS,
                            resolve))) {
                while (it.hasNext()) {
                    ResolvedEvent event = it.next();
                    items.add(event);
                    next = event.originalEvent().revision() + 1;
                }
            } catch (StreamNotFoundException softDeleted) {
                // nothing up to the last revision will ever be readable again; later appends continue after it
                next = info.lastRevision() + 1;
            }
            return new Batch(items, items.size() < Subscriptions.BATCH_EVENTS);
        }
    }
}
