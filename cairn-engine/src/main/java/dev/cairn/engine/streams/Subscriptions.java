package dev.cairn.engine.streams;

import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamName;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The store's catch-up subscriptions. Each one is a virtual thread that reads the log (or a
 * stream's index) from where it stands up to the committed end, delivers what it read, and waits
 * on the {@link CommitSignal} when it has nothing left. History and live events come from the same
 * place, the durable log, so the switch from one to the other cannot skip or repeat an event, and
 * a slow subscriber costs nothing but its own position.
 *
 * <p>Reads of the log and index happen under the read side of a lock whose write side
 * {@link #close()} takes once, so that no subscription touches the memory-mapped segments or the
 * index after the store releases them. Thread-safe.
 */
public final class Subscriptions implements AutoCloseable {

    /** Events read in one go before they are delivered (and the read lock released). */
    static final int BATCH_EVENTS = 256;
    /** Bytes of event data read in one go, so big events do not pile up in memory. */
    static final int BATCH_BYTES = 1 << 20;

    private final Reads reads;
    private final StreamReader streamReader;
    private final CommitSignal signal;
    private final TailCache tailCache = new TailCache();
    private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();
    private final Set<CatchUpSubscription> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Subscriptions(Reads reads, StreamReader streamReader) {
        this.reads = reads;
        this.streamReader = streamReader;
        this.signal = new CommitSignal(reads.catalog().log().committedEnd());
    }

    /** The committed end moved (called by the writer after each durable group). */
    void published(long end) {
        signal.published(end);
    }

    public Subscription subscribeToStream(StreamName stream, SubscribeToStreamOptions options,
            SubscriptionListener listener) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        if (stream.isAll()) {
            throw new InvalidArgumentException("$all is not a stream: subscribe to it with subscribeToAll");
        }
        return start(new CatchUpSubscription.ToStream(this, listener, stream, options));
    }

    public Subscription subscribeToAll(SubscribeToAllOptions options, SubscriptionListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        return start(new CatchUpSubscription.ToAll(this, listener, options));
    }

    private Subscription start(CatchUpSubscription subscription) {
        if (closed) {
            throw new StoreUnavailableException("the store is closed");
        }
        running.add(subscription);
        subscription.start();
        if (closed) {
            subscription.stop();
        }
        return subscription;
    }

    /** How many subscriptions are running. */
    public int count() {
        return running.size();
    }

    Reads reads() {
        return reads;
    }

    StreamReader streamReader() {
        return streamReader;
    }

    TailCache tailCache() {
        return tailCache;
    }

    CommitSignal signal() {
        return signal;
    }

    boolean closed() {
        return closed;
    }

    /** Takes the read side of the close guard; false (and not taken) once the store is closing. */
    boolean enterRead() {
        guard.readLock().lock();
        if (closed) {
            guard.readLock().unlock();
            return false;
        }
        return true;
    }

    void exitRead() {
        guard.readLock().unlock();
    }

    void ended(CatchUpSubscription subscription) {
        running.remove(subscription);
    }

    /**
     * Ends every subscription (their listeners see {@link StoreUnavailableException}) and returns
     * once none can read the log any more; waits briefly for them to finish.
     */
    @Override
    public void close() {
        closed = true;
        guard.writeLock().lock();
        guard.writeLock().unlock();
        signal.close();
        for (CatchUpSubscription s : running) {
            s.wakeUp();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (CatchUpSubscription s : running) {
            s.join(deadline);
        }
    }
}
