package dev.cairn.engine.projections;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.CairnException;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.projections.StandardProjection.AppendedLink;
import dev.cairn.engine.projections.StandardProjection.Source;
import dev.cairn.engine.streams.SystemAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one standard projection: a catch-up subscription to {@code $all} from its checkpoint feeds
 * a queue, and one thread turns what has queued into links and writes them.
 *
 * <p>Exactly once: the links a batch of source events produces and the checkpoint after that
 * batch are one atomic multi-stream append, and the checkpoint is appended at the revision the
 * runner last read or wrote. After a crash the projection resumes after the last checkpoint, so
 * a link is never written twice nor left out. Whatever fails (the append, the subscription) the
 * runner starts over from the stored checkpoint, after a pause that grows to a minute.
 *
 * <p>Batches form on their own: while one append waits for its fdatasync the next events queue.
 * Events that produce no links (system streams, this projection's own output among them) move the
 * position without a write; a checkpoint alone is written after {@value #SKIPPED_BEFORE_CHECKPOINT}
 * of them, so a restart does not re-read a long run of them, and since each such checkpoint is one
 * event, the projections' checkpoints cannot keep each other going.
 */
final class ProjectionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    static final EventType CHECKPOINT = EventType.of("$ProjectionCheckpoint");
    private static final int QUEUE_CAPACITY = 8192;
    private static final int MAX_BATCH = 2048;
    static final int SKIPPED_BEFORE_CHECKPOINT = 4096;
    /** KurrentDB keeps a projection's last checkpoints only; older ones are hidden. */
    private static final long CHECKPOINTS_KEPT = 10;
    private static final Pattern TAG = Pattern.compile("\"\\$c\"\\s*:\\s*(-?\\d+)\\s*,\\s*\"\\$p\"\\s*:\\s*(-?\\d+)");
    private static final Source STOPPED = new Source("", -1, new UUID(0, 0), "", null, Position.START,
            java.time.Instant.EPOCH, null);

    private final StandardProjection projection;
    private final EventStore store;
    private final SystemAccess system;
    private volatile boolean stopping;
    private volatile Subscription subscription;
    private volatile Position processed;
    private volatile Position lastCheckpoint;
    private volatile long eventsProcessed;
    private volatile String faultReason;
    private volatile Feed currentFeed;
    private volatile Thread thread;

    /** The revision of the last checkpoint event, -1 when there is none. */
    private long checkpointRevision;

    ProjectionRunner(StandardProjection projection, EventStore store, SystemAccess system) {
        this.projection = projection;
        this.store = store;
        this.system = system;
    }

    void start() {
        thread = Thread.ofVirtual().name("cairn-projection-" + projection.projectionName()).start(this::run);
    }

    /** What {@code Projections.Statistics} reports of this projection. */
    StandardProjections.Statistics statistics() {
        Feed feed = currentFeed;
        String reason = faultReason;
        String status = !isRunning() ? "Stopped" : reason != null ? "Faulted" : "Running";
        return new StandardProjections.Statistics(projection.projectionName(), status, reason, processed,
                lastCheckpoint, eventsProcessed, feed == null || !isRunning() ? 0 : feed.queue.size());
    }

    /** Started and not stopped. */
    boolean isRunning() {
        return thread != null && !stopping;
    }

    void stop() {
        stopping = true;
        Subscription s = subscription;
        if (s != null) {
            s.stop();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long pauseMillis = 1000;
        while (!stopping) {
            try {
                runFromCheckpoint();
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("projection {} stopped ({}); it starts again from its checkpoint in {} ms",
                        projection.projectionName(), e.toString(), pauseMillis);
                faultReason = e.toString();
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pauseMillis = Math.min(pauseMillis * 2, 60_000);
            }
        }
    }

    private void runFromCheckpoint() throws InterruptedException {
        Position after = loadCheckpoint();
        processed = after;
        lastCheckpoint = after;
        // a queue per run, so that nothing the last run's subscription still delivers reaches this one
        Feed feed = new Feed();
        currentFeed = feed;
        Subscription s = store.subscribeToAll(new SubscribeToAllOptions(after, false, null,
                SubscribeToAllOptions.DEFAULT_CHECKPOINT_INTERVAL), feed);
        subscription = s;
        try {
            if (stopping) {
                return;
            }
            faultReason = null;
            process(feed);
        } finally {
            feed.abandoned = true;
            s.stop();
        }
    }

    /** Reads the last checkpoint: the position to resume after (null: from the start) and its revision. */
    private Position loadCheckpoint() {
        StreamName stream = projection.checkpointStream();
        RecordedEvent last = null;
        try (EventIterator it = store.readStream(stream, ReadStreamOptions.backwards().maxCount(1))) {
            if (it.hasNext()) {
                last = it.next().originalEvent();
            }
        } catch (StreamNotFoundException absent) {
            // no checkpoint yet
        }
        if (last == null) {
            checkpointRevision = -1;
            return null;
        }
        checkpointRevision = last.revision();
        Matcher m = TAG.matcher(new String(last.metadata(), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException("the checkpoint " + last.revision() + "@" + stream + " has no position");
        }
        return Position.of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    private void process(Feed feed) throws InterruptedException {
        BlockingQueue<Source> queue = feed.queue;
        List<Source> batch = new ArrayList<>(MAX_BATCH);
        List<AppendedLink> links = new ArrayList<>();
        int skipped = 0;
        while (!stopping) {
            Source first = queue.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            links.clear();
            Position last = null;
            for (Source e : batch) {
                if (e == STOPPED) {
                    Throwable failure = feed.failure;
                    throw new IllegalStateException("its subscription to $all ended: " + failure, failure);
                }
                int before = links.size();
                projection.process(e, links);
                skipped = links.size() == before ? skipped + 1 : 0;
                last = e.position();
            }
            if (!links.isEmpty() || skipped >= SKIPPED_BEFORE_CHECKPOINT) {
                write(links, last);
                skipped = 0;
                lastCheckpoint = last;
            }
            processed = last;
            eventsProcessed += batch.size(); // only this thread writes it
        }
    }

    /** Appends the links and the checkpoint after {@code position} as one atomic write. */
    private void write(List<AppendedLink> links, Position position) throws InterruptedException {
        Map<StreamName, List<EventData>> byStream = new LinkedHashMap<>();
        for (AppendedLink link : links) {
            byStream.computeIfAbsent(link.stream(), s -> new ArrayList<>()).add(link.event());
        }
        List<AppendRequest> requests = new ArrayList<>(byStream.size() + 1);
        byStream.forEach((stream, events) -> requests.add(new AppendRequest(stream, StreamState.any(), events)));
        StreamName checkpointStream = projection.checkpointStream();
        if (checkpointRevision < 0) {
            await(store.setStreamMetadataAsync(checkpointStream, StreamState.any(),
                    StreamMetadata.EMPTY.withMaxCount(CHECKPOINTS_KEPT)));
        }
        byte[] tag = projection.openTag(position).append('}').toString().getBytes(StandardCharsets.UTF_8);
        EventData checkpoint = new EventData(UUID.randomUUID(), CHECKPOINT, ContentType.JSON, new byte[0], tag);
        requests.add(new AppendRequest(checkpointStream,
                checkpointRevision < 0 ? StreamState.noStream() : StreamState.at(checkpointRevision),
                List.of(checkpoint)));
        await(system.appendAsync(requests));
        checkpointRevision++;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CairnException ce) {
                throw ce;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Puts each event of {@code $all} on its queue, blocking the subscription while the queue is full. */
    private final class Feed implements SubscriptionListener {
        final BlockingQueue<Source> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        volatile Throwable failure;
        /** Set when the processing thread has left this run: nothing will drain the queue again. */
        volatile boolean abandoned;

        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            put(Source.of(event.originalEvent(), projection));
        }

        /** The processing thread meets the end after every event before it, then starts over. */
        @Override
        public void onStopped(Subscription subscription, Throwable error) {
            failure = error;
            put(STOPPED);
        }

        /** Waits while the queue is full (the processing thread is writing), unless the run is over. */
        private void put(Source e) {
            try {
                while (!stopping && !abandoned && !queue.offer(e, 100, TimeUnit.MILLISECONDS)) {
                    // full: the subscription waits, reading nothing more
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
