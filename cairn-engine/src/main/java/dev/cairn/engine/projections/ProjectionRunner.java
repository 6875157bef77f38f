package dev.cairn.engine.projections;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.CairnException;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.projections.StandardProjection.Emitted;
import dev.cairn.engine.streams.MetadataCodec;
import dev.cairn.engine.streams.SystemAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs projections, standard or a user's: a catch-up subscription to {@code $all} from the
 * earliest of their checkpoints feeds a queue, and one thread hands what has queued to each
 * projection's {@link ProjectionWork} and writes what they produced. The standard projections share
 * one runner, so {@code $all} is read and decoded once for all five; each user projection has its
 * own, so that a slow or faulted query holds up no other.
 *
 * <p>Exactly once: what a batch of source events produces (links, emitted events, states,
 * results) and the checkpoint after that batch of each projection are one atomic multi-stream
 * append, and each checkpoint is appended at the revision the runner last read or wrote. After a
 * crash each projection resumes after its last checkpoint, so nothing is written twice nor left
 * out. Whatever fails (the append, the subscription) the runner starts over from the stored
 * checkpoints, after a pause that grows to a minute; a {@link ProjectionFaultedException} (a
 * user's handler threw) stops it, faulted, until it is enabled again.
 *
 * <p>Batches form on their own: while one append waits for its fdatasync the next events queue.
 * Events that change nothing (system streams, the projections' own output among them) move the
 * position without a write; a checkpoint alone is written after {@value #SKIPPED_BEFORE_CHECKPOINT}
 * of them, so a restart does not re-read a long run of them, and since each such checkpoint is one
 * event, the projections' checkpoints cannot keep each other going.
 *
 * <p>After a reset a projection runs again from the start in a new epoch. The first time it
 * writes to a stream in the new epoch, it hides what it wrote there in earlier epochs by moving the
 * stream's {@code $tb} past them (KurrentDB does the same), so a reset does not leave every link
 * twice. It hides only its own output: a stream whose last event it did not write is left alone.
 */
final class ProjectionRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);
    static final EventType CHECKPOINT = EventType.of("$ProjectionCheckpoint");
    private static final int QUEUE_CAPACITY = 8192;
    private static final int MAX_BATCH = 2048;
    static final int SKIPPED_BEFORE_CHECKPOINT = 4096;
    /** KurrentDB keeps a projection's last two checkpoints (its stream's $maxCount); older ones are hidden. */
    static final long CHECKPOINTS_KEPT = 2;
    /** Streams known to hold nothing of an earlier epoch, remembered per run up to this many. */
    private static final int TRUNCATED_REMEMBERED = 100_000;
    private static final RecordedEvent STOPPED = new RecordedEvent(StreamName.of("$stopped"), -1, new UUID(0, 0),
            EventType.of("$stopped"), ContentType.BINARY, new byte[0], new byte[0], java.time.Instant.EPOCH,
            Position.START);

    private final List<Member> members;
    private final String name;
    private final EventStore store;
    private final SystemAccess system;
    private volatile boolean stopping;
    private volatile Subscription subscription;
    private volatile String faultReason;
    private volatile boolean faulted;
    private volatile Feed currentFeed;
    private volatile Thread thread;
    /** Set while the thread holds a batch it took from the queue, until it has written it. */
    private volatile boolean handling;

    /** One projection of the runner and where it is. */
    private static final class Member {
        final ProjectionWork work;
        /** The revision of its last checkpoint event, -1 when there is none. */
        long checkpointRevision;
        /** The position its last checkpoint names: events up to it are handled. Null: none. */
        Position after;
        final List<Emitted> out = new ArrayList<>();
        boolean changed;
        int skipped;
        volatile Position processed;
        volatile Position lastCheckpoint;
        volatile long eventsProcessed;
        final Set<StreamName> truncated = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<StreamName, Boolean> eldest) {
                return size() > TRUNCATED_REMEMBERED;
            }
        });

        Member(ProjectionWork work) {
            this.work = work;
        }
    }

    /** A runner for one projection. */
    ProjectionRunner(ProjectionWork work, EventStore store, SystemAccess system) {
        this(List.of(work), work.name(), store, system);
    }

    /** A runner for several, which read {@code $all} together; {@code name} names its thread. */
    ProjectionRunner(List<ProjectionWork> works, String name, EventStore store, SystemAccess system) {
        this.members = works.stream().map(Member::new).toList();
        this.name = name;
        this.store = store;
        this.system = system;
    }

    void start() {
        thread = Thread.ofVirtual().name("cairn-projection-" + name).start(this::run);
    }

    /** The work of its first (for a user projection's runner, its only) projection. */
    ProjectionWork work() {
        return members.get(0).work;
    }

    /** Whether it has any projection to run. */
    boolean hasProjections() {
        return !members.isEmpty();
    }

    /** Whether it runs the projection named {@code projection}. */
    boolean runs(String projection) {
        return members.stream().anyMatch(m -> m.work.name().equals(projection));
    }

    /** What {@code Projections.Statistics} reports of its projection named {@code projection}. */
    Projections.Statistics statistics(String projection) {
        Member member = members.stream().filter(m -> m.work.name().equals(projection)).findFirst().orElseThrow();
        Feed feed = currentFeed;
        String reason = faultReason;
        // stopped wins over faulted: disabling a faulted projection stops it
        String status = stopping || thread == null ? "Stopped" : faulted || reason != null ? "Faulted" : "Running";
        boolean caughtUp = isRunning() && feed != null && feed.live && feed.queue.isEmpty() && !handling;
        ProjectionWork work = member.work;
        return new Projections.Statistics(work.name(), work.mode(), status, reason, member.processed,
                member.lastCheckpoint, member.eventsProcessed, feed == null || !isRunning() ? 0 : feed.queue.size(),
                work.version(), work.epoch(), caughtUp);
    }

    /** Started, not stopped and not faulted for good. */
    boolean isRunning() {
        return thread != null && !stopping && !faulted;
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
        for (Member member : members) {
            member.work.close();
        }
    }

    private void run() {
        long pauseMillis = 1000;
        while (!stopping) {
            try {
                runFromCheckpoints();
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            } catch (ProjectionFaultedException e) {
                if (stopping) {
                    return; // stopping interrupts a running query, which then fails: no fault
                }
                LOG.warn("projection {} faulted: {}; it stays stopped until it is enabled again", name,
                        e.getMessage());
                faultReason = e.getMessage();
                faulted = true;
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("projection {} stopped ({}); it starts again from its checkpoint in {} ms",
                        name, e.toString(), pauseMillis);
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

    private void runFromCheckpoints() throws InterruptedException {
        Position from = null;
        boolean fromStart = false;
        for (Member member : members) {
            member.truncated.clear();
            member.out.clear();
            member.changed = false;
            member.skipped = 0;
            member.after = loadCheckpoint(member);
            member.processed = member.after;
            member.lastCheckpoint = member.after;
            if (member.after == null) {
                fromStart = true;
            } else if (from == null || member.after.compareTo(from) < 0) {
                from = member.after;
            }
        }
        // a queue per run, so that nothing the last run's subscription still delivers reaches this one
        Feed feed = new Feed();
        currentFeed = feed;
        Subscription s = store.subscribeToAll(new SubscribeToAllOptions(fromStart ? null : from, false, null,
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

    /**
     * Reads the member's last checkpoint, restores its state from it and answers the position to
     * resume after (null: from the start). A checkpoint of an earlier epoch counts as none.
     */
    private Position loadCheckpoint(Member member) {
        ProjectionWork work = member.work;
        StreamName stream = work.checkpointStream();
        RecordedEvent last = ProjectionTag.lastEvent(store, stream);
        member.checkpointRevision = last == null ? -1 : last.revision();
        if (last == null || ProjectionTag.epochOf(last.metadata()) < work.epoch()) {
            work.restore(null);
            return null;
        }
        Position position = ProjectionTag.positionOf(last.metadata());
        if (position == null) {
            throw new IllegalStateException("the checkpoint " + last.revision() + "@" + stream + " has no position");
        }
        work.restore(last);
        return position;
    }

    private void process(Feed feed) throws InterruptedException {
        BlockingQueue<RecordedEvent> queue = feed.queue;
        List<RecordedEvent> batch = new ArrayList<>(MAX_BATCH);
        List<Member> writing = new ArrayList<>(members.size());
        while (!stopping) {
            RecordedEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
            if (first == null) {
                continue;
            }
            handling = true;
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            for (Member member : members) {
                member.out.clear();
                member.changed = false;
            }
            Position last = null;
            for (RecordedEvent e : batch) {
                if (e == STOPPED) {
                    Throwable failure = feed.failure;
                    throw new IllegalStateException("its subscription to $all ended: " + failure, failure);
                }
                Position position = e.position();
                for (Member member : members) {
                    if (member.after != null && position.compareTo(member.after) <= 0) {
                        continue; // handled before its last checkpoint: the others are behind it
                    }
                    boolean handled = member.work.handle(e, member.out);
                    member.changed |= handled;
                    member.skipped = handled ? 0 : member.skipped + 1;
                    member.processed = position;
                    member.eventsProcessed++; // only this thread writes it
                }
                last = position;
            }
            writing.clear();
            for (Member member : members) {
                if (member.processed != null && (member.after == null || member.processed.compareTo(member.after) > 0)
                        && (member.changed || member.skipped >= SKIPPED_BEFORE_CHECKPOINT)) {
                    writing.add(member);
                }
            }
            if (!writing.isEmpty()) {
                write(writing);
            }
            handling = false;
        }
    }

    /**
     * Appends what the batch produced for each of {@code writing} and the checkpoint after its
     * last event, for all of them, as one atomic write.
     */
    private void write(List<Member> writing) throws InterruptedException {
        List<AppendRequest> requests = new ArrayList<>();
        for (Member member : writing) {
            ProjectionWork work = member.work;
            byte[] state = work.checkpoint(member.processed, member.out);
            Map<StreamName, List<EventData>> byStream = new LinkedHashMap<>();
            Map<Emitted, Integer> indexInStream = new IdentityHashMap<>();
            for (Emitted emitted : member.out) {
                List<EventData> events = byStream.computeIfAbsent(emitted.stream(), s -> new ArrayList<>());
                indexInStream.put(emitted, events.size());
                events.add(emitted.event());
            }
            // links to events of this write name revisions counted from each target stream's last
            // one, which the write then expects: a stream written meanwhile fails it, to be retried
            Map<StreamName, Long> pinned = new HashMap<>();
            for (Emitted emitted : member.out) {
                if (emitted.linkTarget() != null) {
                    Emitted target = emitted.linkTarget();
                    long last = pinned.computeIfAbsent(target.stream(), system::lastRevision);
                    byStream.get(emitted.stream()).set(indexInStream.get(emitted),
                            emitted.resolved(last + 1 + indexInStream.get(target)));
                }
            }
            if (work.epoch() > 0) {
                for (StreamName stream : List.copyOf(byStream.keySet())) {
                    if (!stream.isMetadata() && member.truncated.add(stream)) {
                        StreamMetadata hidden = hideEarlierEpochs(work, stream);
                        if (hidden == null) {
                            continue;
                        }
                        // in the same atomic write as the events that follow it, so a reset costs
                        // no write of its own per stream; apart only where the name leaves no room
                        // for "$$" or the batch writes that metadata stream itself
                        StreamName metastream = stream.value().getBytes(StandardCharsets.UTF_8).length + 2
                                <= StreamName.MAX_BYTES ? StreamName.of("$$" + stream.value()) : null;
                        if (metastream == null || byStream.containsKey(metastream)) {
                            await(store.setStreamMetadataAsync(stream, StreamState.any(), hidden));
                        } else {
                            requests.add(new AppendRequest(metastream, StreamState.any(), List.of(new EventData(
                                    UUID.randomUUID(), EventType.METADATA, ContentType.JSON,
                                    MetadataCodec.write(hidden), new byte[0]))));
                        }
                    }
                }
            }
            byStream.forEach((stream, events) -> requests.add(new AppendRequest(stream, !pinned.containsKey(stream)
                    ? StreamState.any() : StreamState.actual(pinned.get(stream)), events)));
            StreamName checkpointStream = work.checkpointStream();
            if (member.checkpointRevision < 0) {
                // the first checkpoint brings the stream's $maxCount, in the same atomic write
                requests.add(new AppendRequest(StreamName.of("$$" + checkpointStream.value()), StreamState.any(),
                        List.of(maxCount(CHECKPOINTS_KEPT))));
            }
            byte[] tag = work.openTag(member.processed).append('}').toString().getBytes(StandardCharsets.UTF_8);
            EventData checkpoint = new EventData(UUID.randomUUID(), CHECKPOINT, ContentType.JSON, state, tag);
            requests.add(new AppendRequest(checkpointStream, member.checkpointRevision < 0 ? StreamState.noStream()
                    : StreamState.at(member.checkpointRevision), List.of(checkpoint)));
        }
        try {
            await(system.appendAsync(requests));
        } catch (InvalidArgumentException e) {
            // too large a state or event: the same batch would be refused again at every retry
            throw new ProjectionFaultedException("cannot write its output: " + e.getMessage(), e);
        }
        for (Member member : writing) {
            member.checkpointRevision++;
            member.after = member.processed;
            member.lastCheckpoint = member.processed;
            member.skipped = 0;
        }
    }

    /**
     * The metadata that moves {@code stream}'s {@code $tb} past what the projection wrote there in
     * an earlier epoch, when its last event is such output; null when there is nothing to hide.
     * Done again after a crash, it sets the same value.
     */
    private StreamMetadata hideEarlierEpochs(ProjectionWork work, StreamName stream) throws InterruptedException {
        RecordedEvent last = ProjectionTag.lastEvent(store, stream);
        if (last == null || !ProjectionTag.writtenBy(last.metadata(), work.projectionId())
                || ProjectionTag.epochOf(last.metadata()) >= work.epoch()) {
            return null;
        }
        StreamMetadata metadata = await(store.getStreamMetadataAsync(stream)).metadata();
        return (metadata == null ? StreamMetadata.EMPTY : metadata).withTruncateBefore(last.revision() + 1);
    }

    /** A {@code $metadata} event that keeps a stream's last {@code count} events only. */
    static EventData maxCount(long count) {
        return new EventData(UUID.randomUUID(), EventType.METADATA, ContentType.JSON,
                MetadataCodec.write(StreamMetadata.EMPTY.withMaxCount(count)), new byte[0]);
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
        final BlockingQueue<RecordedEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        volatile Throwable failure;
        /** Set when the processing thread has left this run: nothing will drain the queue again. */
        volatile boolean abandoned;
        /** Set once the subscription has read the whole log and follows new appends. */
        volatile boolean live;

        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            put(event.originalEvent());
        }

        @Override
        public void onCaughtUp(Subscription subscription) {
            live = true;
        }

        /** The processing thread meets the end after every event before it, then starts over. */
        @Override
        public void onStopped(Subscription subscription, Throwable error) {
            failure = error;
            put(STOPPED);
        }

        /** Waits while the queue is full (the processing thread is writing), unless the run is over. */
        private void put(RecordedEvent e) {
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
