package dev.cairn.engine.streams;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.CairnException;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.DirectoryLock;
import dev.cairn.engine.FlushObserver;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.Checkpoint;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogWriter;
import dev.cairn.engine.log.RecordCodec;
import dev.cairn.engine.persistent.PersistentSubscriptionService;
import dev.cairn.engine.projections.Projections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The embedded {@link EventStore}: validates requests in the caller's thread (cheap, no I/O),
 * hands writes to the {@link Writer} and serves reads directly from the index and the log.
 * Thread-safe.
 */
public final class EmbeddedEventStore implements EventStore {

    private final CairnOptions options;
    private final DirectoryLock lock;
    private final Log log;
    private final Checkpoint checkpoint;
    private final StreamIndex index;
    private final StreamCatalog catalog;
    private final Writer writer;
    private final StreamReader streamReader;
    private final AllReader allReader;
    private final Subscriptions subscriptions;
    private final PersistentSubscriptionService persistent;
    private final SystemAccess system;
    private volatile Projections projections;
    private volatile boolean closed;

    private EmbeddedEventStore(CairnOptions options, DirectoryLock lock, Log log, Checkpoint checkpoint,
            StreamIndex index) {
        this.options = options;
        this.lock = lock;
        this.log = log;
        this.checkpoint = checkpoint;
        this.index = index;
        this.catalog = new StreamCatalog(log, index, options.streamCacheSize());
        Reads reads = new Reads(catalog, options.clock());
        this.streamReader = new StreamReader(reads);
        this.allReader = new AllReader(reads);
        this.subscriptions = new Subscriptions(reads, streamReader);
        this.writer = new Writer(catalog, new LogWriter(log, checkpoint, log.committedEnd()),
                Recovery.recentIds(log, options.idempotencyWindow()), options.writeQueueCapacity(),
                options.maxGroupSize(), options.indexFlushEvents(), subscriptions::published);
        writer.start();
        this.persistent = new PersistentSubscriptionService(this, this::appendSystemAsync, options.clock());
        this.system = new SystemAccess(catalog, writer, options);
    }

    /**
     * Opens the store described by {@code options}: lock, recover, replay, start the writer, then
     * resume the persistent subscription groups and start the standard projections if asked.
     */
    public static EmbeddedEventStore open(CairnOptions options) {
        DirectoryLock lock = DirectoryLock.acquire(options.directory());
        Log log = null;
        Checkpoint checkpoint = null;
        StreamIndex index = null;
        EmbeddedEventStore store;
        try {
            log = Log.open(options.directory().resolve("log"), options.segmentSize(), options.channels());
            checkpoint = Checkpoint.open(options.directory().resolve("log").resolve("checkpoint"));
            index = Recovery.run(log, checkpoint, options.directory().resolve("index"));
            store = new EmbeddedEventStore(options, lock, log, checkpoint, index);
        } catch (IOException | RuntimeException e) {
            closeQuietly(index, checkpoint, log);
            lock.close();
            if (e instanceof CairnException ce) {
                throw ce;
            }
            throw new StoreUnavailableException("cannot open store in " + options.directory() + ": " + e.getMessage(), e);
        }
        // groups resume once the store is whole: they read and write through it
        try {
            store.persistent.start();
            if (options.systemProjections()) {
                store.projections = Projections.start(store, store.system, options.standardProjections(),
                        options.userProjections());
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
        }
    }

    public CairnOptions options() {
        return options;
    }

    /** The projections this store runs (standard, user or both), or null when it runs none. */
    public Projections projections() {
        return projections;
    }

    /** Stored state and reserved writes for the engine's own subsystems (security); checks no access. */
    public SystemAccess system() {
        return system;
    }

    private void requireOpen() {
        if (closed) {
            throw new StoreUnavailableException("the store is closed");
        }
    }

    private long now() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, options.clock().instant());
    }

    private <T> CompletableFuture<T> submit(Function<CompletableFuture<Object>, WriteRequest> request) {
        return submit(request, new CompletableFuture<>());
    }

    /**
     * Submits the request made for {@code future}: a plain one, completed on the writer's completer
     * thread; a {@link WaitedFuture} or a {@link HandOffFuture}, which the sync thread may complete.
     */
    private <T> CompletableFuture<T> submit(Function<CompletableFuture<Object>, WriteRequest> request,
            CompletableFuture<Object> future) {
        try {
            requireOpen();
            writer.submit(request.apply(future));
        } catch (CairnException e) {
            future.completeExceptionally(e);
        }
        return typed(future);
    }

    /** A write's future as its result type; the writer completes it with that type's value. */
    @SuppressWarnings("unchecked")
    private static <T> CompletableFuture<T> typed(CompletableFuture<Object> future) {
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    private static <T> CompletableFuture<T> failed(CairnException e) {
        return CompletableFuture.failedFuture(e);
    }

    // ---- validation ----

    private static void requireWritable(StreamName stream) {
        Objects.requireNonNull(stream, "stream");
        if (stream.isAll()) {
            throw new InvalidArgumentException("$all is the global log: it cannot be written to");
        }
    }

    private void validate(StreamName stream, StreamState expected, List<EventData> events, long[] total) {
        validate(stream, expected, events, total, false);
    }

    /** {@code system}: the engine's own bookkeeping, which may use reserved event types. */
    private void validate(StreamName stream, StreamState expected, List<EventData> events, long[] total,
            boolean system) {
        requireWritable(stream);
        if (expected == null) {
            throw new InvalidArgumentException("expected state must be given");
        }
        expected.requireWritable();
        if (events == null) {
            throw new InvalidArgumentException("events must not be null");
        }
        for (EventData e : events) {
            if (e == null) {
                throw new InvalidArgumentException("events must not contain null");
            }
            if (!system) {
                e.type().requireWritableTo(stream);
            }
            // the writer cannot encode a longer type; checked here so no part of the batch is written
            // (a char is at most 3 bytes of UTF-8, so only a long type needs encoding to tell)
            String type = e.type().value();
            if (type.length() > RecordCodec.MAX_NAME_BYTES / 3
                    && type.getBytes(StandardCharsets.UTF_8).length > RecordCodec.MAX_NAME_BYTES) {
                throw new InvalidArgumentException("event type must be at most " + RecordCodec.MAX_NAME_BYTES
                        + " bytes of UTF-8");
            }
            long size = e.size() + 2L * e.type().value().length();
            if (size > options.maxEventSize()) {
                throw new MaximumAppendEventSizeExceededException(stream, e.id(), size, options.maxEventSize());
            }
            total[0] += size;
        }
    }

    private void checkTotal(long[] total) {
        if (total[0] > options.maxAppendSize()) {
            throw new MaximumAppendSizeExceededException(options.maxAppendSize(),
                    "Maximum Append Size of " + options.maxAppendSize() + " Exceeded.");
        }
    }

    // ---- writes ----

    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events) {
        return append(stream, expected, events, new CompletableFuture<>());
    }

    /** Completes on {@code completeOn} straight from the writer's sync thread ({@link HandOffFuture}). */
    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events,
            Executor completeOn) {
        return append(stream, expected, events, new HandOffFuture(Objects.requireNonNull(completeOn, "completeOn")));
    }

    @Override
    public AppendResult append(StreamName stream, StreamState expected, List<EventData> events) {
        return EventStore.await(append(stream, expected, events, new WaitedFuture()));
    }

    private CompletableFuture<AppendResult> append(StreamName stream, StreamState expected, List<EventData> events,
            CompletableFuture<Object> future) {
        try {
            long[] total = {0};
            validate(stream, expected, events, total);
            checkTotal(total);
            AppendRequest part = new AppendRequest(stream, expected, events);
            long now = now();
            return submit(f -> new WriteRequest.Append(List.of(part), false, now, f), future);
        } catch (CairnException e) {
            future.completeExceptionally(e); // a HandOffFuture hands even this to the caller's executor
            return typed(future);
        }
    }

    /** Appends the engine's own events, which may have reserved types (persistent subscription checkpoints). */
    private CompletableFuture<AppendResult> appendSystemAsync(StreamName stream, StreamState expected,
            List<EventData> events) {
        try {
            long[] total = {0};
            validate(stream, expected, events, total, true);
            checkTotal(total);
            AppendRequest part = new AppendRequest(stream, expected, events);
            long now = now();
            return submit(f -> new WriteRequest.Append(List.of(part), false, now, f));
        } catch (CairnException e) {
            return failed(e);
        }
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAsync(List<AppendRequest> requests) {
        return append(requests, new CompletableFuture<>());
    }

    @Override
    public MultiAppendResult append(List<AppendRequest> requests) {
        return EventStore.await(append(requests, new WaitedFuture()));
    }

    private CompletableFuture<MultiAppendResult> append(List<AppendRequest> requests,
            CompletableFuture<Object> future) {
        try {
            if (requests == null || requests.isEmpty()) {
                throw new InvalidArgumentException("a multi-stream append needs at least one stream");
            }
            long[] total = {0};
            Set<String> seen = new HashSet<>();
            for (AppendRequest r : requests) {
                validate(r.stream(), r.expected(), r.events(), total);
                if (r.events().isEmpty()) {
                    throw new InvalidArgumentException("stream '" + r.stream() + "' has no records to append");
                }
                if (!seen.add(r.stream().value().toLowerCase(Locale.ROOT))) {
                    throw new InvalidArgumentException("stream '" + r.stream()
                            + "' appears more than once in one multi-stream append");
                }
            }
            checkTotal(total);
            long now = now();
            List<AppendRequest> parts = List.copyOf(requests);
            return submit(f -> new WriteRequest.Append(parts, true, now, f), future);
        } catch (CairnException e) {
            future.completeExceptionally(e);
            return typed(future);
        }
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendRecordsAsync(List<AppendRecord> records,
            List<ConsistencyCheck> checks) {
        try {
            if (records == null || records.isEmpty()) {
                throw new InvalidArgumentException("an append needs at least one record");
            }
            long[] total = {0};
            for (AppendRecord r : records) {
                validate(r.stream(), StreamState.any(), List.of(r.event()), total);
            }
            checkTotal(total);
            List<ConsistencyCheck> checkList = checks == null ? List.of() : List.copyOf(checks);
            Set<StreamName> checked = new HashSet<>();
            for (ConsistencyCheck c : checkList) {
                if (c.expected() instanceof StreamState.Any) {
                    throw new InvalidArgumentException("a consistency check must expect a state; 'any' checks nothing");
                }
                if (!checked.add(c.stream())) {
                    throw new InvalidArgumentException("stream '" + c.stream()
                            + "' may appear only once among the consistency checks");
                }
            }
            long now = now();
            List<AppendRecord> recordList = List.copyOf(records);
            return submit(f -> new WriteRequest.Records(recordList, checkList, now, f));
        } catch (CairnException e) {
            return failed(e);
        }
    }

    @Override
    public CompletableFuture<DeleteResult> deleteAsync(StreamName stream, StreamState expected) {
        return deleteOrTombstone(stream, expected, false);
    }

    @Override
    public CompletableFuture<DeleteResult> tombstoneAsync(StreamName stream, StreamState expected) {
        return deleteOrTombstone(stream, expected, true);
    }

    private CompletableFuture<DeleteResult> deleteOrTombstone(StreamName stream, StreamState expected, boolean tombstone) {
        try {
            requireWritable(stream);
            Objects.requireNonNull(expected, "expected state");
            expected.requireWritable();
            long now = now();
            UUID id = UUID.randomUUID();
            return submit(f -> new WriteRequest.Delete(stream, expected, tombstone, id, now, f));
        } catch (CairnException e) {
            return failed(e);
        }
    }

    @Override
    public CompletableFuture<AppendResult> setStreamMetadataAsync(StreamName stream, StreamState expected,
            StreamMetadata metadata) {
        try {
            requireWritable(stream);
            if (stream.isMetadata()) {
                throw new InvalidArgumentException("a metadata stream has no metadata of its own: " + stream);
            }
            Objects.requireNonNull(expected, "expected state");
            expected.requireWritable();
            Objects.requireNonNull(metadata, "metadata");
            long now = now();
            UUID id = UUID.randomUUID();
            return submit(f -> new WriteRequest.SetMetadata(stream, expected, metadata, id, now, f));
        } catch (CairnException e) {
            return failed(e);
        }
    }

    // ---- reads ----

    @Override
    public EventIterator readStream(StreamName stream, ReadStreamOptions options) {
        requireOpen();
        return streamReader.read(Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(options, "options"));
    }

    @Override
    public EventIterator readAll(ReadAllOptions options) {
        requireOpen();
        return allReader.read(Objects.requireNonNull(options, "options"));
    }

    @Override
    public Subscription subscribeToStream(StreamName stream, SubscribeToStreamOptions options,
            SubscriptionListener listener) {
        requireOpen();
        return subscriptions.subscribeToStream(stream, options, listener);
    }

    @Override
    public Subscription subscribeToAll(SubscribeToAllOptions options, SubscriptionListener listener) {
        requireOpen();
        return subscriptions.subscribeToAll(options, listener);
    }

    @Override
    public PersistentSubscriptions persistentSubscriptions() {
        requireOpen();
        return persistent;
    }

    /** How many catch-up subscriptions are running. */
    public int subscriptionCount() {
        return subscriptions.count();
    }

    @Override
    public CompletableFuture<StreamMetadataResult> getStreamMetadataAsync(StreamName stream) {
        try {
            requireOpen();
            requireWritable(stream);
            StreamInfo info = catalog.info(stream.value());
            if (info != null && info.tombstoned()) {
                // metadata is read from the metadata stream, deleted with the stream: name it, as
                // KurrentDB does when a client reads it
                throw new StreamDeletedException(stream.metadataStream());
            }
            StreamCatalog.Metadata meta = catalog.metadata(stream.value());
            return CompletableFuture.completedFuture(meta == null
                    ? new StreamMetadataResult(stream, StreamMetadata.EMPTY, -1)
                    : new StreamMetadataResult(stream, meta.value(), meta.revision()));
        } catch (CairnException e) {
            return failed(e);
        }
    }

    @Override
    public Position headPosition() {
        long end = log.committedEnd();
        if (end <= log.firstPosition()) {
            return Position.START;
        }
        return Position.of(end, end);
    }

    /** The failure that stopped writes, or null while the store is healthy. */
    public CairnException writeFailure() {
        return writer.failure();
    }

    /**
     * Event records read from the log since the store opened: by readers, subscriptions,
     * projections and the store's own checks, as KurrentDB counts its reads. For metrics.
     */
    public long eventsRead() {
        return log.eventsRead();
    }

    /** The bytes of the event records {@link #eventsRead()} counts. For metrics. */
    public long eventBytesRead() {
        return log.eventBytesRead();
    }

    /**
     * Tells {@code observer} of each group made durable from now on (one observer; null for none).
     * For metrics: see {@link FlushObserver} for what it may do.
     */
    public void observeFlushes(FlushObserver observer) {
        writer.observeFlushes(observer);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        // projections and persistent subscriptions write as they stop, so they stop while writes still work
        Projections running = projections;
        if (running != null) {
            running.close();
        }
        persistent.close();
        closed = true;
        writer.close();
        subscriptions.close();
        try {
            if (writer.failure() == null) {
                index.flush(true);
            }
        } finally {
            closeQuietly(index, checkpoint, log);
            lock.close();
        }
    }
}
