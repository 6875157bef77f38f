package dev.cairn.eventsourcing.projection;

import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.StoredEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Projection}'s view up to date: a catch-up subscription to {@code $all}, filtered
 * by the projection's selection, that starts after the position the view store holds. Each event
 * is applied and its position stored in one transaction ({@link ViewStore#commit}), so the view
 * neither skips nor repeats an event across crashes and restarts: exactly-once effect.
 *
 * <p>Events the filter skips still move the projection forward: the subscription reports its
 * progress after every event it looks at, and the runner stores it now and then (every
 * {@value #POSITION_EVERY} such reports, and when it catches up), so a restart does not rescan a
 * long stretch of unrelated events.
 *
 * <p>{@link #waitFor} gives read-your-writes: after appending at position {@code p}, wait until the
 * view has processed {@code p}, then query it.
 *
 * <p>Thread-safe. The projection runs on the subscription's thread. When the projection (or the
 * view store) throws, the runner stops; {@link #failure()} says why, and a new runner resumes after
 * the last event committed.
 */
public final class ProjectionRunner<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    /** How many skipped-event progress reports go by before the position is stored anyway. */
    static final int POSITION_EVERY = 100;

    private final Projection<T> projection;
    private final ViewStore<T> view;
    private final EventCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private volatile Position processed;
    private volatile Throwable failure;
    private volatile boolean stopped;
    private volatile boolean caughtUp;
    private Subscription subscription;
    // touched by the subscription's thread only
    private Position unsaved;
    private int reportsSinceSave;

    private ProjectionRunner(Projection<T> projection, ViewStore<T> view, EventCodec codec) {
        this.projection = projection;
        this.view = view;
        this.codec = codec;
    }

    /** Starts a runner after the view's stored position (from the first event if it has none). */
    public static <T> ProjectionRunner<T> start(EventStore store, EventCodec codec, Projection<T> projection,
            ViewStore<T> view) {
        Objects.requireNonNull(store, "store");
        ProjectionRunner<T> runner = new ProjectionRunner<>(Objects.requireNonNull(projection, "projection"),
                Objects.requireNonNull(view, "view"), Objects.requireNonNull(codec, "codec"));
        Position from = view.position(projection.name());
        runner.processed = from;
        LOG.info("projection '{}' starting after {} ({})", projection.name(), from == null ? "the start" : from,
                projection.selection().description());
        SubscribeToAllOptions options = (from == null ? SubscribeToAllOptions.fromStart() : SubscribeToAllOptions.after(from))
                .filter(projection.selection().filter())
                .checkpointInterval(1);
        runner.subscription = store.subscribeToAll(options, runner.new Listener());
        return runner;
    }

    private final class Listener implements SubscriptionListener {
        @Override
        public void onEvent(Subscription s, ResolvedEvent event) {
            Position position = event.position();
            if (event.event() == null || !codec.knows(event.event().type().value())) {
                progress(position); // nothing this projection can read: only move on
                return;
            }
            StoredEvent<Object> stored = codec.decode(event, Object.class);
            try {
                view.commit(projection.name(), position, tx -> projection.apply(stored, tx));
            } catch (Exception e) {
                throw new ProjectionFailedException(projection.name(), stored, e);
            }
            unsaved = null;
            reportsSinceSave = 0;
            advance(position);
        }

        @Override
        public void onCheckpoint(Subscription s, Position position) {
            progress(position);
        }

        @Override
        public void onCaughtUp(Subscription s) {
            saveUnsaved();
            caughtUp = true;
            signal();
        }

        @Override
        public void onStopped(Subscription s, Throwable error) {
            if (error != null) {
                failure = error;
                LOG.error("projection '{}' stopped", projection.name(), error);
            } else {
                saveUnsaved();
            }
            stopped = true;
            signal();
        }
    }

    private void progress(Position position) {
        if (processed != null && position.compareTo(processed) <= 0) {
            return;
        }
        unsaved = position;
        if (++reportsSinceSave >= POSITION_EVERY) {
            saveUnsaved();
        }
        advance(position);
    }

    private void saveUnsaved() {
        Position p = unsaved;
        if (p == null) {
            return;
        }
        try {
            view.commit(projection.name(), p, null);
            unsaved = null;
            reportsSinceSave = 0;
        } catch (Exception e) {
            // only progress over skipped events is lost: a restart rescans them
            LOG.warn("projection '{}' could not store its position {}: {}", projection.name(), p, e.toString());
        }
    }

    private void advance(Position position) {
        processed = position;
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            progressed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The projection's name. */
    public String name() {
        return projection.name();
    }

    /** The position of the last event processed (applied or skipped), or null before any. */
    public Position position() {
        return processed;
    }

    /** Whether the runner has processed everything that was in the log when it started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Why the runner stopped on its own, or null while it runs (or after {@link #stop()}). */
    public Throwable failure() {
        return failure;
    }

    /**
     * Waits until the view reflects every event up to and including {@code position} (for example
     * an append's position), so a read of the view sees that write.
     *
     * @throws TimeoutException when it did not within {@code timeout}
     * @throws ProjectionFailedException when the runner stopped on a failure
     */
    public void waitFor(Position position, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!reached(position)) {
                if (failure != null) {
                    throw new ProjectionFailedException(projection.name(), failure);
                }
                if (stopped) {
                    throw new IllegalStateException("projection '" + projection.name() + "' is stopped");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("projection '" + projection.name() + "' is at " + processed
                            + ", not yet at " + position);
                }
                progressed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean reached(Position position) {
        Position p = processed;
        return p != null && p.compareTo(position) >= 0;
    }

    /** Stops the subscription; the view keeps what was committed. Idempotent. */
    public void stop() {
        Subscription s = subscription;
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
