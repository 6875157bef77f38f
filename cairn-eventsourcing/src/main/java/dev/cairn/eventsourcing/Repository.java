package dev.cairn.eventsourcing;

import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and saves aggregates of one kind. An aggregate {@code id} of category {@code c} lives in
 * stream {@code c-id}; saving appends its pending events expecting the stream at the version it was
 * loaded at, so a concurrent save by someone else is refused with a {@link ConcurrencyException}
 * instead of silently interleaving. {@link #update} reloads and re-runs the command when that
 * happens.
 *
 * <p>With {@link #snapshotEvery(int)}, aggregates that implement {@link Snapshotting} get a
 * snapshot every {@code n} events, in stream {@code c_snapshot-id}; loading then reads the last
 * snapshot and only the events after it.
 *
 * <p>Thread-safe (immutable configuration; each call works on its own aggregate instance).
 *
 * @param <A> the aggregate type
 * @param <E> its event type
 */
public final class Repository<A extends Aggregate<E>, E> {

    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);
    private static final String SNAPSHOT_TYPE = "Snapshot";
    private static final String SNAPSHOT_VERSION = "aggregateVersion";
    private static final String SNAPSHOT_POSITION = "aggregatePosition";

    private final EventStore store;
    private final EventCodec codec;
    private final String category;
    private final Class<E> eventType;
    private final Function<String, A> factory;
    private final int snapshotEvery;
    private final int maxAttempts;
    private final EventBus bus;

    /**
     * @param category the stream category, the part before the first {@code -}: must not contain one
     * @param eventType the aggregate's event type, to check what its stream holds
     * @param factory makes an aggregate with no events from its id
     */
    public Repository(EventStore store, EventCodec codec, String category, Class<E> eventType,
            Function<String, A> factory) {
        this(store, codec, category, eventType, factory, 0, 5, null);
    }

    private Repository(EventStore store, EventCodec codec, String category, Class<E> eventType,
            Function<String, A> factory, int snapshotEvery, int maxAttempts, EventBus bus) {
        this.store = Objects.requireNonNull(store, "store");
        this.codec = Objects.requireNonNull(codec, "codec");
        if (category == null || category.isEmpty() || category.contains("-") || category.startsWith("$")) {
            throw new IllegalArgumentException("category must be non-empty, without '-', not starting with '$': "
                    + category);
        }
        this.category = category;
        this.eventType = Objects.requireNonNull(eventType, "event type");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.snapshotEvery = snapshotEvery;
        this.maxAttempts = maxAttempts;
        this.bus = bus;
    }

    /** This repository, taking a snapshot every {@code n} events (0: never). */
    public Repository<A, E> snapshotEvery(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("snapshot interval must not be negative");
        }
        return new Repository<>(store, codec, category, eventType, factory, n, maxAttempts, bus);
    }

    /** This repository, trying a command at most {@code attempts} times in {@link #update} (default 5). */
    public Repository<A, E> maxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        return new Repository<>(store, codec, category, eventType, factory, snapshotEvery, attempts, bus);
    }

    /** This repository, handing saved events to {@code bus}'s handlers. */
    public Repository<A, E> publishTo(EventBus bus) {
        return new Repository<>(store, codec, category, eventType, factory, snapshotEvery, maxAttempts, bus);
    }

    public String category() {
        return category;
    }

    /** The stream of aggregate {@code id}: {@code category-id}. */
    public StreamName streamOf(String id) {
        return StreamName.of(category + "-" + id);
    }

    StreamName snapshotStreamOf(String id) {
        return StreamName.of(category + "_snapshot-" + id);
    }

    // ---- loading ----

    /** The aggregate as its events make it, or empty when it has none. */
    public Optional<A> find(String id) {
        A aggregate = factory.apply(id);
        long from = restoreSnapshot(aggregate);
        StreamName stream = streamOf(id);
        try (EventIterator events = store.readStream(stream, ReadStreamOptions.forwards().fromRevision(from))) {
            while (events.hasNext()) {
                ResolvedEvent e = events.next();
                aggregate.replay(codec.decode(e, eventType).event(), e.event().revision(), e.position());
            }
        } catch (StreamNotFoundException e) {
            return Optional.empty();
        }
        return aggregate.version() < 0 ? Optional.empty() : Optional.of(aggregate);
    }

    /** The aggregate; fails with {@link AggregateNotFoundException} when it has no events. */
    public A load(String id) {
        return find(id).orElseThrow(() -> new AggregateNotFoundException(streamOf(id)));
    }

    /** Restores the last snapshot if there is a usable one; the revision to read the events from. */
    private long restoreSnapshot(A aggregate) {
        if (snapshotEvery == 0 || !(aggregate instanceof Snapshotting<?> snapshotting)) {
            return 0;
        }
        StreamName snapshots = snapshotStreamOf(aggregate.id());
        try (EventIterator last = store.readStream(snapshots, ReadStreamOptions.backwards().maxCount(1))) {
            if (!last.hasNext()) {
                return 0;
            }
            ResolvedEvent e = last.next();
            EventMetadata meta = codec.parseMetadata(e.event().metadata());
            long version = Long.parseLong(meta.extra().getOrDefault(SNAPSHOT_VERSION, "-1"));
            if (version < 0) {
                return 0;
            }
            restore(snapshotting, e.event().data());
            aggregate.restoredAt(version, position(meta.extra().get(SNAPSHOT_POSITION)));
            return version + 1;
        } catch (StreamNotFoundException e) {
            return 0;
        } catch (IOException | RuntimeException e) {
            // a snapshot is a cache: one that no longer reads (the state changed shape) is ignored
            LOG.warn("snapshot of {} not used: {}", aggregate.id(), e.toString());
            return 0;
        }
    }

    /** A position as {@code commit/prepare}, or null. */
    private static Position position(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split("/");
        return Position.of(Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]));
    }

    private <S> void restore(Snapshotting<S> target, byte[] json) throws IOException {
        target.restore(codec.read(json, target.snapshotType()));
    }

    // ---- saving ----

    /**
     * Appends the aggregate's pending events, expecting its stream at {@link Aggregate#savedVersion()},
     * with the causation's ids in their metadata. Does nothing when nothing is pending.
     *
     * @throws ConcurrencyException when the stream moved since the aggregate was loaded
     */
    public void save(A aggregate, Causation causation) {
        List<E> pending = aggregate.pendingEvents();
        if (pending.isEmpty()) {
            return;
        }
        StreamName stream = streamOf(aggregate.id());
        long expected = aggregate.savedVersion();
        List<EventData> data = new ArrayList<>(pending.size());
        for (E event : pending) {
            EventMetadata meta = causation == null ? EventMetadata.NONE : causation.metadata(1);
            data.add(codec.encode(event, meta));
        }
        AppendResult result;
        try {
            result = store.append(stream, expected < 0 ? StreamState.noStream() : StreamState.at(expected), data);
        } catch (WrongExpectedVersionException e) {
            throw new ConcurrencyException(stream, expected, e);
        }
        aggregate.saved(result.nextExpectedRevision(), result.position());
        if (snapshotEvery > 0 && aggregate instanceof Snapshotting<?> s
                && (expected + 1) / snapshotEvery != (result.nextExpectedRevision() + 1) / snapshotEvery) {
            saveSnapshot(aggregate, s);
        }
        if (bus != null && !bus.isEmpty()) {
            bus.publish(readBack(stream, expected + 1));
        }
    }

    private void saveSnapshot(A aggregate, Snapshotting<?> s) {
        try {
            Position at = aggregate.position();
            byte[] meta = codec.metadataJson(EventMetadata.NONE.with(SNAPSHOT_VERSION,
                    Long.toString(aggregate.savedVersion())).with(SNAPSHOT_POSITION,
                    Long.toUnsignedString(at.commit()) + "/" + Long.toUnsignedString(at.prepare())));
            EventData snapshot = new EventData(java.util.UUID.randomUUID(), EventType.of(SNAPSHOT_TYPE),
                    ContentType.JSON, codec.bytes(s.snapshot()), meta);
            store.append(snapshotStreamOf(aggregate.id()), StreamState.any(), List.of(snapshot));
        } catch (RuntimeException e) {
            // the events are saved; a missing snapshot only makes the next load read more
            LOG.warn("snapshot of {} at version {} not saved: {}", aggregate.id(), aggregate.savedVersion(),
                    e.toString());
        }
    }

    private List<StoredEvent<E>> readBack(StreamName stream, long from) {
        List<StoredEvent<E>> saved = new ArrayList<>();
        for (ResolvedEvent e : store.readStreamToList(stream, ReadStreamOptions.forwards().fromRevision(from))) {
            saved.add(codec.decode(e, eventType));
        }
        return saved;
    }

    // ---- commands ----

    /** Creates aggregate {@code id}, runs {@code command} on it and saves it; fails if it exists. */
    public A create(String id, Causation causation, Consumer<A> command) {
        A aggregate = factory.apply(id);
        command.accept(aggregate);
        save(aggregate, causation);
        return aggregate;
    }

    /**
     * Loads aggregate {@code id} (or makes a new one when it has no events), runs {@code command}
     * and saves. When someone else saved in between, reloads and runs the command again, up to the
     * repository's attempts, with a short random pause between them; rule violations thrown by the
     * command are not retried.
     *
     * @throws ConcurrencyException when every attempt lost the race
     */
    public A update(String id, Causation causation, Consumer<A> command) {
        for (int attempt = 1;; attempt++) {
            A aggregate = find(id).orElseGet(() -> factory.apply(id));
            command.accept(aggregate);
            try {
                save(aggregate, causation);
                return aggregate;
            } catch (ConcurrencyException e) {
                if (attempt >= maxAttempts) {
                    throw e;
                }
                LOG.debug("{} changed concurrently; running the command again (attempt {})", e.stream(), attempt + 1);
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a command", e);
        }
    }

    /** The events of aggregate {@code id} as stored, with their metadata. */
    public List<StoredEvent<E>> history(String id) {
        try {
            return readBack(streamOf(id), 0);
        } catch (StreamNotFoundException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return "Repository[" + category + (snapshotEvery > 0 ? ", snapshot every " + snapshotEvery : "") + "]";
    }
}
