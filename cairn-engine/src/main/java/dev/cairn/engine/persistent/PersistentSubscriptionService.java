package dev.cairn.engine.persistent;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's persistent subscriptions: the registry of groups, their durable configuration, and
 * the timer that drives message timeouts and timed checkpoints.
 *
 * <p>Configuration: every group's settings, as one JSON document ({@link GroupConfig}), in the last
 * {@code $PersistentConfig} event of {@code $persistentSubscriptionConfig} (metadata
 * {@code $maxCount: 2}, as KurrentDB keeps it). A change is written first and applied after, so a
 * create, update or delete that returns is durable, and one that fails changed nothing. On start
 * (and on {@link #restart()}) every group is started from the document and resumes after its last
 * checkpoint.
 *
 * <p>Thread-safe: management calls are serialized by one lock; the registry is concurrent for
 * the rest. Errors are {@link PersistentSubscriptionException}s, as {@link PersistentSubscriptions}
 * describes.
 */
public final class PersistentSubscriptionService implements PersistentSubscriptions, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PersistentSubscriptionService.class);

    static final StreamName CONFIG_STREAM = StreamName.of("$persistentSubscriptionConfig");
    static final EventType CONFIG_TYPE = EventType.of("$PersistentConfig");
    /** How often message timeouts and timed checkpoints are looked at. */
    static final Duration TICK = Duration.ofMillis(100);
    /** The user KurrentDB records as having changed the configuration when no one signed in. */
    private static final String UPDATED_BY = "admin";

    private final EventStore store;
    private final SystemAppender appender;
    private final Clock clock;
    private final ReentrantLock admin = new ReentrantLock();
    private final ConcurrentSkipListMap<GroupKey, SubscriptionGroup> groups = new ConcurrentSkipListMap<>();
    private final ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cairn-persistent-timer").factory());
    /** Configuration entries Cairn cannot run but keeps (guarded by {@link #admin}). */
    private List<JsonNode> unusable = List.of();
    private volatile boolean closed;

    /**
     * @param store the store the groups read from and write their checkpoints and parked messages to
     * @param appender appends events of reserved types (checkpoints, configuration)
     * @param clock time for message timeouts, timed checkpoints and parking times
     */
    public PersistentSubscriptionService(EventStore store, SystemAppender appender, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.appender = Objects.requireNonNull(appender);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Loads the configuration, starts every group, and starts the timer. */
    public void start() {
        admin.lock();
        try {
            startAll();
        } finally {
            admin.unlock();
        }
        timer.scheduleAtFixedRate(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void startAll() {
        GroupConfig.Document document = loadConfig();
        unusable = document.unusable();
        for (GroupConfig.Entry e : document.entries()) {
            if (groups.containsKey(e.key())) {
                LOG.warn("persistent subscription {} appears twice in the configuration; the first is used", e.key());
                continue;
            }
            groups.put(e.key(), startGroup(e));
        }
        if (!groups.isEmpty()) {
            LOG.info("persistent subscriptions: {} group(s) started", groups.size());
        }
    }

    private SubscriptionGroup startGroup(GroupConfig.Entry e) {
        return SubscriptionGroup.start(e.key(), e.filter(), e.settings(), store, appender, clock, callbacks);
    }

    private void tick() {
        try {
            long now = clock.millis();
            for (SubscriptionGroup g : groups.values()) {
                g.tick(now);
            }
        } catch (Throwable t) {
            // a scheduled task that throws is never run again: keep the timer alive
            LOG.error("persistent subscriptions: timer tick failed", t);
        }
    }

    // ---- management ----

    @Override
    public void createToStream(StreamName stream, String group, PersistentSubscriptionSettings settings) {
        Objects.requireNonNull(stream, "stream");
        if (stream.isAll()) {
            throw new InvalidArgumentException("$all is not a stream: create a group on it with createToAll");
        }
        create(new GroupKey(stream, group), null, settings);
    }

    @Override
    public void createToAll(String group, PersistentSubscriptionSettings settings, EventFilter filter) {
        if (filter != null && filter.regex() != null) {
            try {
                Pattern.compile(filter.regex());
            } catch (PatternSyntaxException e) {
                throw new InvalidArgumentException("invalid filter regex: " + e.getMessage());
            }
        }
        create(new GroupKey(StreamName.of(StreamName.ALL), group), filter, settings);
    }

    private void create(GroupKey key, EventFilter filter, PersistentSubscriptionSettings settings) {
        Objects.requireNonNull(settings, "settings");
        requireOpen();
        validateStart(key, settings.startFrom());
        admin.lock();
        try {
            requireOpen();
            if (groups.containsKey(key)) {
                throw PersistentSubscriptionException.exists(key.source(), key.group());
            }
            GroupConfig.Entry entry = new GroupConfig.Entry(key, filter, settings);
            List<GroupConfig.Entry> entries = entries();
            entries.add(entry);
            saveConfig(entries);
            groups.put(key, startGroup(entry));
            LOG.info("persistent subscription {} created", key);
        } finally {
            admin.unlock();
        }
    }

    @Override
    public void update(StreamName source, String group, PersistentSubscriptionSettings settings) {
        Objects.requireNonNull(settings, "settings");
        GroupKey key = new GroupKey(source, group);
        requireOpen();
        admin.lock();
        try {
            requireOpen();
            SubscriptionGroup old = existing(key);
            validateStart(key, settings.startFrom());
            GroupConfig.Entry entry = new GroupConfig.Entry(key, old.filter(), settings);
            List<GroupConfig.Entry> entries = new ArrayList<>();
            for (GroupConfig.Entry e : entries()) {
                entries.add(e.key().equals(key) ? entry : e);
            }
            saveConfig(entries);
            old.stop(PersistentSubscriptionException.dropped(key.source(), key.group()), true);
            groups.put(key, startGroup(entry));
            LOG.info("persistent subscription {} updated", key);
        } finally {
            admin.unlock();
        }
    }

    @Override
    public void delete(StreamName source, String group) {
        GroupKey key = new GroupKey(source, group);
        requireOpen();
        admin.lock();
        try {
            requireOpen();
            SubscriptionGroup old = existing(key);
            List<GroupConfig.Entry> entries = entries();
            entries.removeIf(e -> e.key().equals(key));
            saveConfig(entries);
            groups.remove(key);
            old.stop(PersistentSubscriptionException.dropped(key.source(), key.group()), false);
            // as KurrentDB does: a group created again under this name starts afresh
            deleteQuietly(key.checkpointStream());
            deleteQuietly(key.parkedStream());
            LOG.info("persistent subscription {} deleted", key);
        } finally {
            admin.unlock();
        }
    }

    private void deleteQuietly(StreamName stream) {
        store.deleteAsync(stream, StreamState.any()).exceptionally(e -> {
            LOG.debug("deleting {} of a deleted persistent subscription: {}", stream, e.toString());
            return null;
        });
    }

    @Override
    public Optional<PersistentSubscriptionInfo> getInfo(StreamName source, String group) {
        requireOpen();
        SubscriptionGroup g = groups.get(new GroupKey(source, group));
        return g == null ? Optional.empty() : Optional.of(g.info());
    }

    @Override
    public List<PersistentSubscriptionInfo> list() {
        requireOpen();
        return groups.values().stream().map(SubscriptionGroup::info).toList();
    }

    /**
     * Every group as {@link #list()} reports it, without ending a measurement period, so that
     * looking (metrics) does not change the per-second figures {@code GetInfo} and {@code List}
     * report.
     */
    public List<PersistentSubscriptionInfo> snapshot() {
        requireOpen();
        return groups.values().stream().map(g -> g.info(false)).toList();
    }

    @Override
    public List<PersistentSubscriptionInfo> list(StreamName source) {
        Objects.requireNonNull(source, "source");
        requireOpen();
        List<PersistentSubscriptionInfo> infos = groups.values().stream()
                .filter(g -> g.key().source().equals(source)).map(SubscriptionGroup::info).toList();
        if (infos.isEmpty()) {
            throw PersistentSubscriptionException.notFound(source, "");
        }
        return infos;
    }

    @Override
    public void replayParked(StreamName source, String group, Long stopAt) {
        GroupKey key = new GroupKey(source, group);
        requireOpen();
        if (stopAt != null && stopAt < 0) {
            throw PersistentSubscriptionException.failed(source, group,
                    "Cannot stop replaying parked message at a negative version.");
        }
        existing(key).replayParked(stopAt);
    }

    @Override
    public void truncateParked(StreamName source, String group, Long stopAt) {
        GroupKey key = new GroupKey(source, group);
        requireOpen();
        if (stopAt != null && stopAt < 0) {
            throw PersistentSubscriptionException.failed(source, group,
                    "Cannot truncate parked messages at a negative version.");
        }
        existing(key).truncateParked(stopAt);
    }

    @Override
    public void restart() {
        requireOpen();
        admin.lock();
        try {
            requireOpen();
            LOG.info("persistent subscriptions are restarting");
            for (SubscriptionGroup g : groups.values()) {
                g.stop(PersistentSubscriptionException.dropped(g.key().source(), g.key().group()), true);
            }
            groups.clear();
            startAll();
        } finally {
            admin.unlock();
        }
    }

    @Override
    public PersistentSubscription subscribe(StreamName source, String group, ConsumerOptions options,
            PersistentSubscriptionListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        return existing(new GroupKey(source, group)).subscribe(options, listener);
    }

    private SubscriptionGroup existing(GroupKey key) {
        SubscriptionGroup g = groups.get(key);
        if (g == null) {
            throw PersistentSubscriptionException.notFound(key.source(), key.group());
        }
        return g;
    }

    /** KurrentDB's checks of a start position; a stream group starts at a revision, a $all one at a position. */
    private void validateStart(GroupKey key, StartFrom start) {
        if (key.source().isAll() && start instanceof StartFrom.Revision) {
            throw new InvalidArgumentException("a $all group starts from a position, not a revision");
        }
        if (!key.source().isAll() && start instanceof StartFrom.At) {
            throw new InvalidArgumentException("a stream group starts from a revision, not a $all position");
        }
        if (start instanceof StartFrom.At at
                && Long.compareUnsigned(at.position().commit(), store.headPosition().commit()) > 0) {
            throw PersistentSubscriptionException.failed(key.source(), key.group(), "Invalid Start From position: "
                    + "commit position must be less than or equal to the last commit position in the transaction file.");
        }
    }

    // ---- configuration ----

    private List<GroupConfig.Entry> entries() {
        List<GroupConfig.Entry> entries = new ArrayList<>();
        for (SubscriptionGroup g : groups.values()) {
            entries.add(new GroupConfig.Entry(g.key(), g.filter(), g.settings()));
        }
        return entries;
    }

    private GroupConfig.Document loadConfig() {
        try (EventIterator it = store.readStream(CONFIG_STREAM, ReadStreamOptions.backwards().maxCount(1))) {
            if (!it.hasNext()) {
                return GroupConfig.Document.EMPTY;
            }
            return GroupConfig.read(it.next().originalEvent().data());
        } catch (StreamNotFoundException e) {
            return GroupConfig.Document.EMPTY;
        }
    }

    private void saveConfig(List<GroupConfig.Entry> entries) {
        if (store.getStreamMetadata(CONFIG_STREAM).metastreamRevision() < 0) {
            store.setStreamMetadata(CONFIG_STREAM, StreamState.any(), StreamMetadata.EMPTY.withMaxCount(2L));
        }
        byte[] data = GroupConfig.write(new GroupConfig.Document(entries, unusable), UPDATED_BY, clock.instant());
        EventStore.await(appender.append(CONFIG_STREAM, StreamState.any(),
                List.of(new EventData(UUID.randomUUID(), CONFIG_TYPE, ContentType.JSON, data, null))));
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreUnavailableException("the store is closed");
        }
    }

    /**
     * Stops every group (their consumers see {@link StoreUnavailableException}) after a final
     * checkpoint, and the timer. Call while the store can still write.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        admin.lock();
        try {
            StoreUnavailableException closing = new StoreUnavailableException("the store is closed");
            for (SubscriptionGroup g : groups.values()) {
                g.stop(closing, true);
            }
            groups.clear();
        } finally {
            admin.unlock();
        }
        callbacks.shutdown();
    }
}
