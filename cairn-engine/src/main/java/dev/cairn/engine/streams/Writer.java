package dev.cairn.engine.streams;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.engine.index.IndexUpdate;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path, in two stages. The writer thread decides requests as they arrive against the
 * stream state ({@link WriteRules}) and encodes the accepted ones into the group being built; the
 * sync thread writes and fdatasyncs a group once, updates the index, publishes the new committed
 * end, and only then are the callers' futures completed (on a third thread, so that what callers
 * chain onto them never delays a sync).
 *
 * <p>Design note: one thread decides every mutation, so checks need no locks and the outcome is a
 * deterministic function of the order of requests (timestamps and ids come with the requests).
 * The writer builds group N+1 while group N is being synced, seeing N's changes through an
 * overlay ({@link IndexUpdate#next()}), and hands it over the moment N is durable and indexed: the
 * longer a sync takes, the larger the next group. At most one group is in flight, and the order of
 * groups on disk is the order of decisions. The first storage failure is sticky: every request after it fails with
 * {@link StoreUnavailableException} (fail-stop), because after a failed fdatasync nobody knows what
 * reached the disk.
 *
 * <p>Thread-safe to {@link #submit} from any thread.
 */
public final class Writer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

    private final Log log;
    private final StreamIndex index;
    private final StreamCatalog catalog;
    private final LogWriter logWriter;
    /** Requests, and {@link #SYNCED} when the sync thread has finished a group. */
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Bounds the requests queued or in flight (back-pressure on callers). */
    private final Semaphore capacity;
    private final int maxGroup;
    private final long indexFlushEvents;
    /** Told each new committed end, after it is published (subscriptions). */
    private final LongConsumer published;
    private final Thread thread;
    private final GroupEncoder encoder;
    private final WriteRules rules;
    private final ExecutorService syncer = daemonExecutor("cairn-sync");
    /** Completes callers' futures, so that what callers chain onto them never delays the next sync. */
    private final ExecutorService completer = daemonExecutor("cairn-complete");
    /**
     * Flushes the index's memtables. RocksDB's flush waits until it can run without stalling writes,
     * which behind a busy compaction took seconds: on the sync thread that held every append up.
     */
    private final ExecutorService indexFlusher = daemonExecutor("cairn-index-flush");
    private final Runnable indexFlush;
    /** Whether an index flush is queued or running (at most one at a time). */
    private final AtomicBoolean indexFlushing = new AtomicBoolean();
    private IndexUpdate update;
    private static final Object SYNCED = new Object();
    /** Whether a group is with the sync thread (writer thread only). */
    private boolean syncing;
    private volatile CairnException failure;
    private volatile boolean stopping;
    private long eventsSinceIndexFlush;

    /** One group on its way to disk. */
    private record Group(List<WriteRequest> requests, List<Object> outcomes, LogWriter.Group bytes,
            IndexUpdate update, int events) {
    }

    public Writer(StreamCatalog catalog, LogWriter logWriter, int queueCapacity, int maxGroup, long indexFlushEvents,
            LongConsumer published) {
        this(catalog, logWriter, queueCapacity, maxGroup, indexFlushEvents, published,
                () -> catalog.index().flush(false));
    }

    /** As the public constructor, with {@code indexFlush} run for each periodic index flush (tests). */
    Writer(StreamCatalog catalog, LogWriter logWriter, int queueCapacity, int maxGroup, long indexFlushEvents,
            LongConsumer published, Runnable indexFlush) {
        this.indexFlush = indexFlush;
        this.log = catalog.log();
        this.index = catalog.index();
        this.catalog = catalog;
        this.logWriter = logWriter;
        this.capacity = new Semaphore(queueCapacity);
        this.maxGroup = maxGroup;
        this.indexFlushEvents = indexFlushEvents;
        this.published = published;
        this.update = new IndexUpdate(index, catalog::info, index.nextStreamId());
        this.encoder = new GroupEncoder(catalog, update, logWriter);
        this.rules = new WriteRules(encoder);
        this.thread = new Thread(this::run, "cairn-writer");
        this.thread.setDaemon(true);
    }

    private static ExecutorService daemonExecutor(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        thread.start();
    }

    /** Queues a request; blocks while too many are queued or in flight (back-pressure). */
    void submit(WriteRequest request) {
        CairnException failed = failure;
        if (failed != null) {
            request.future().completeExceptionally(unavailable(failed));
            return;
        }
        if (stopping) {
            request.future().completeExceptionally(new StoreUnavailableException("the store is closed"));
            return;
        }
        try {
            capacity.acquire();
            request.future().whenComplete((result, error) -> capacity.release());
            queue.add(request);
            if (stopping && !thread.isAlive()) {
                // close() already drained the queue: nobody else will answer this request
                failQueued(new StoreUnavailableException("the store is closed"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.future().completeExceptionally(new StoreUnavailableException("interrupted while queueing a write", e));
        }
    }

    /** The storage failure that stopped writes, or null. */
    public CairnException failure() {
        return failure;
    }

    private static StoreUnavailableException unavailable(CairnException cause) {
        return new StoreUnavailableException("the store stopped accepting writes after a storage failure: "
                + cause.getMessage(), cause);
    }

    /**
     * The writer loop. Requests are decided as they arrive, into the group being built; the group
     * is handed to the sync thread as soon as that thread is free, so the longer a sync takes, the
     * larger the next group grows.
     */
    private void run() {
        List<WriteRequest> requests = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>();
        List<Object> arrived = new ArrayList<>();
        while (true) {
            try {
                Object first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping && !syncing && requests.isEmpty()) {
                        return;
                    }
                    continue;
                }
                arrived.add(first);
                queue.drainTo(arrived, maxGroup);
            } catch (InterruptedException e) {
                return;
            }
            try {
                for (Object item : arrived) {
                    if (item == SYNCED) {
                        syncing = false;
                        continue;
                    }
                    WriteRequest request = (WriteRequest) item;
                    if (failure != null) {
                        request.future().completeExceptionally(unavailable(failure));
                        continue;
                    }
                    requests.add(request);
                    outcomes.add(decide(request));
                }
                arrived.clear();
                if (failure != null) {
                    failAll(requests);
                    requests.clear();
                    outcomes.clear();
                } else if (!syncing && !requests.isEmpty()) {
                    handOff(requests, outcomes);
                    requests = new ArrayList<>();
                    outcomes = new ArrayList<>();
                }
            } catch (IOException | RuntimeException e) {
                arrived.stream().filter(o -> o != SYNCED).map(WriteRequest.class::cast).forEach(requests::add);
                arrived.clear();
                failStop(e, requests);
                requests.clear();
                outcomes.clear();
            }
        }
    }

    /** Gives the group built so far to the sync thread (which is idle) and starts the next one. */
    private void handOff(List<WriteRequest> requests, List<Object> outcomes) {
        LogWriter.Group bytes = logWriter.takeGroup();
        IndexUpdate built = update;
        built.detachParent();
        update = built.next();
        Group group = new Group(requests, outcomes, bytes, built, encoder.nextGroup(update));
        syncing = true;
        syncer.execute(() -> {
            sync(group);
            queue.add(SYNCED);
        });
    }

    private Object decide(WriteRequest request) throws IOException {
        try {
            return rules.apply(request);
        } catch (CairnException e) {
            return e;
        }
    }

    /** On the sync thread: make a group durable, index it, publish it, complete its callers. */
    private void sync(Group group) {
        try {
            if (!group.bytes.isEmpty()) {
                long end = logWriter.flush(group.bytes);
                Map<String, StreamInfo> changed = group.update.changedStreams();
                group.update.commitGroup(end);
                for (Map.Entry<String, StreamInfo> e : changed.entrySet()) {
                    catalog.committed(e.getKey(), e.getValue());
                }
                log.publish(end);
                published.accept(end);
                eventsSinceIndexFlush += group.events;
                if (eventsSinceIndexFlush >= indexFlushEvents && indexFlushing.compareAndSet(false, true)) {
                    eventsSinceIndexFlush = 0;
                    indexFlusher.execute(this::flushIndex);
                }
            }
            completer.execute(() -> {
                for (int i = 0; i < group.requests.size(); i++) {
                    complete(group.requests.get(i), group.outcomes.get(i));
                }
            });
        } catch (IOException | RuntimeException e) {
            failStop(e, group.requests);
        }
    }

    /**
     * On the flush thread: persists the index up to the last committed group, so that a restart
     * replays less of the log. The index may lag the log by any amount without harm (recovery
     * replays the rest), so a flush never holds up a sync; a failed one stops writes as any
     * storage failure does.
     */
    private void flushIndex() {
        try {
            indexFlush.run();
        } catch (RuntimeException e) {
            failStop(e, List.of());
        } finally {
            indexFlushing.set(false);
        }
    }

    private static void complete(WriteRequest request, Object outcome) {
        if (outcome instanceof CairnException e) {
            request.future().completeExceptionally(e);
        } else {
            request.future().complete(outcome);
        }
    }

    private void failAll(List<WriteRequest> requests) {
        StoreUnavailableException unavailable = unavailable(failure);
        requests.forEach(r -> r.future().completeExceptionally(unavailable));
    }

    private void failStop(Exception e, List<WriteRequest> requests) {
        CairnException cause = e instanceof CairnException ce ? ce
                : new CairnException(ErrorCode.STORAGE_FAILURE, "storage failure: " + e, e);
        if (failure == null) {
            failure = cause;
            LOG.error("writer: storage failure, the store stops accepting writes (fail-stop); restart to recover", e);
        }
        // Requests still queued are failed by the writer loop as it meets them.
        failAll(requests);
    }

    private void failQueued(StoreUnavailableException reason) {
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.stream().filter(WriteRequest.class::isInstance).map(WriteRequest.class::cast)
                .forEach(r -> r.future().completeExceptionally(reason));
    }

    /** Stops after the requests already queued are written. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued(new StoreUnavailableException("the store is closed"));
        for (ExecutorService executor : List.of(syncer, completer)) {
            executor.shutdown();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the index is closed after this returns: a flush still inside RocksDB must finish first
        indexFlusher.shutdown();
        try {
            while (!indexFlusher.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("closing: waiting for an index flush to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
