package dev.cairn.engine.streams;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.engine.FlushObserver;
import dev.cairn.engine.index.IndexUpdate;
import dev.cairn.engine.index.RecentIds;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path, in two stages. Requests are decided one at a time against the stream state
 * ({@link WriteRules}) and the accepted ones encoded into the group being built; the sync thread
 * writes and fdatasyncs a group once, updates the index, publishes the new committed end, and only
 * then are the callers' futures completed: on the completer thread, so that what callers chain onto
 * them never delays a sync, except for callers blocked in the engine's own blocking calls, whom the
 * sync thread wakes itself.
 *
 * <p>Design note: decisions are made one at a time, under {@link #building}, so the outcome is a
 * deterministic function of the order of requests (timestamps and ids come with the requests). The
 * writer thread decides queued requests; a blocking caller decides its own request when nothing is
 * queued ({@link #decideHere}). Group N+1 is built while group N is being synced, seeing N's changes
 * through an overlay ({@link IndexUpdate#next()}), and is taken the moment N is durable and indexed:
 * the longer a sync takes, the larger the next group. When the sync thread finishes a group and the
 * next one has requests, it takes that group itself, so a busy store moves from group to group
 * without waking a thread. At most one group is in flight, and the order of groups on disk is the
 * order of decisions. The first storage failure is sticky: every request after it fails with
 * {@link StoreUnavailableException} (fail-stop), because after a failed fdatasync nobody knows what
 * reached the disk.
 *
 * <p>Thread-safe to {@link #submit} from any thread.
 */
public final class Writer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
    /**
     * At most this many callers are woken by the sync thread itself (blocked callers, and futures
     * that complete by handing off to their caller's executor); a larger group is woken by the
     * completer, in parallel with the next sync.
     */
    private static final int INLINE_COMPLETIONS = 16;

    private final Log log;
    private final StreamIndex index;
    private final StreamCatalog catalog;
    private final LogWriter logWriter;
    /** Requests not yet decided; the writer takes them only while it holds {@link #building}. */
    private final Queue<WriteRequest> queue = new ConcurrentLinkedQueue<>();
    private volatile FlushObserver flushObserver = FlushObserver.NONE;
    /** Whether the writer is parked waiting for a request, so that {@link #submit} wakes it. */
    private volatile boolean writerWaiting;
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
    /**
     * Guards the group being built ({@link #requests}, {@link #outcomes}, {@link #update}, the
     * encoder and the log writer's buffer) and {@link #syncing}: held by the writer while it decides
     * requests and by whichever thread takes a group to sync.
     */
    private final ReentrantLock building = new ReentrantLock();
    private IndexUpdate update;
    private List<WriteRequest> requests = new ArrayList<>();
    private List<Object> outcomes = new ArrayList<>();
    /** Whether a group is with the sync thread. */
    private boolean syncing;
    private volatile CairnException failure;
    private volatile boolean stopping;
    private long eventsSinceIndexFlush;

    /** One group on its way to disk. */
    private record Group(List<WriteRequest> requests, List<Object> outcomes, LogWriter.Group bytes,
            IndexUpdate update, int events) {
    }

    /**
     * @param recentIds the ids of the log's latest events (idempotent retries of {@code any}
     *     appends are checked against them); the writer adds each event it writes
     */
    public Writer(StreamCatalog catalog, LogWriter logWriter, RecentIds recentIds, int queueCapacity, int maxGroup,
            long indexFlushEvents, LongConsumer published) {
        this(catalog, logWriter, recentIds, queueCapacity, maxGroup, indexFlushEvents, published,
                () -> catalog.index().flush(false));
    }

    /** As the public constructor, with {@code indexFlush} run for each periodic index flush (tests). */
    Writer(StreamCatalog catalog, LogWriter logWriter, RecentIds recentIds, int queueCapacity, int maxGroup,
            long indexFlushEvents, LongConsumer published, Runnable indexFlush) {
        this.indexFlush = indexFlush;
        this.log = catalog.log();
        this.index = catalog.index();
        this.catalog = catalog;
        this.logWriter = logWriter;
        this.capacity = new Semaphore(queueCapacity);
        this.maxGroup = maxGroup;
        this.indexFlushEvents = indexFlushEvents;
        this.published = published;
        this.update = new IndexUpdate(index, catalog::info, index.nextStreamId(), recentIds, log::eventId);
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

    /** Told of each durable group; see {@link FlushObserver}. */
    public void observeFlushes(FlushObserver observer) {
        this.flushObserver = observer == null ? FlushObserver.NONE : observer;
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
            if (request.future() instanceof HandOffFuture handOff) {
                // Given back when the completion is handed on, not when the caller's executor runs
                // it: that executor may be the thread blocked in acquire() above (a gRPC event loop
                // whose earlier appends hold the room), which would then wait for itself forever.
                handOff.whenHandedOn(capacity::release);
            } else {
                request.future().whenComplete((result, error) -> capacity.release());
            }
            if (request.future() instanceof WaitedFuture && decideHere(request)) {
                return;
            }
            queue.add(request);
            if (writerWaiting) {
                LockSupport.unpark(thread);
            }
            if (stopping && !thread.isAlive()) {
                // close() already drained the queue: nobody else will answer this request
                failQueued(new StoreUnavailableException("the store is closed"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.future().completeExceptionally(new StoreUnavailableException("interrupted while queueing a write", e));
        }
    }

    /**
     * Decides a request on the caller's thread, which blocks until the request is durable anyway,
     * when the writer has nothing queued and is not deciding: that spares the request the hop to
     * the writer thread. Requests only the engine's blocking calls wait on come here, so a caller
     * that must not block (a gRPC event loop) never decides. Order holds: a request is decided here
     * only when none queued before it is still undecided, since the writer takes queued requests
     * under the same lock.
     *
     * @return false when the request must be queued instead
     */
    private boolean decideHere(WriteRequest request) {
        if (!queue.isEmpty() || !building.tryLock()) {
            return false;
        }
        Group toSync = null;
        try {
            if (stopping || !queue.isEmpty()) {
                return false;
            }
            if (failure != null) {
                request.future().completeExceptionally(unavailable(failure));
                return true;
            }
            requests.add(request);
            outcomes.add(decide(request));
            if (!syncing) {
                toSync = takeGroup();
            }
        } catch (IOException | RuntimeException e) {
            failStopBuilt(e);
        } finally {
            building.unlock();
        }
        startSync(toSync);
        return true;
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
     * The writer loop. Requests are decided as they arrive, into the group being built; when the
     * sync thread is idle the group goes to it at once, else the sync thread takes it when it is done
     * with the one before.
     */
    private void run() {
        List<WriteRequest> arrived = new ArrayList<>();
        while (true) {
            if (queue.isEmpty()) {
                writerWaiting = true;
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
                }
                writerWaiting = false;
                Thread.interrupted(); // nobody interrupts the writer; a stray interrupt must not make it spin
                if (queue.isEmpty()) {
                    if (stopping && idle()) {
                        return;
                    }
                    continue;
                }
            }
            Group toSync = null;
            building.lock();
            try {
                for (WriteRequest r; arrived.size() < maxGroup && (r = queue.poll()) != null; ) {
                    arrived.add(r);
                }
                for (WriteRequest request : arrived) {
                    if (failure != null) {
                        request.future().completeExceptionally(unavailable(failure));
                        continue;
                    }
                    requests.add(request);
                    outcomes.add(decide(request));
                }
                arrived.clear();
                if (failure != null) {
                    failBuilt();
                } else if (!syncing && !requests.isEmpty()) {
                    toSync = takeGroup();
                }
            } catch (IOException | RuntimeException e) {
                requests.addAll(arrived);
                arrived.clear();
                failStopBuilt(e);
            } finally {
                building.unlock();
            }
            startSync(toSync);
        }
    }

    /** Gives a group taken by this thread to the (idle) sync thread; nothing when null. */
    private void startSync(Group group) {
        if (group != null) {
            syncer.execute(() -> syncFrom(group));
        }
    }

    private boolean idle() {
        building.lock();
        try {
            return !syncing && requests.isEmpty();
        } finally {
            building.unlock();
        }
    }

    /** Under {@link #building}: takes the group built so far, to be synced, and starts the next one. */
    private Group takeGroup() {
        LogWriter.Group bytes = logWriter.takeGroup();
        IndexUpdate built = update;
        built.detachParent();
        update = built.next();
        Group group = new Group(requests, outcomes, bytes, built, encoder.nextGroup(update));
        requests = new ArrayList<>();
        outcomes = new ArrayList<>();
        syncing = true;
        return group;
    }

    /** Under {@link #building}: fails the requests of the group being built (after a storage failure). */
    private void failBuilt() {
        failAll(requests);
        requests.clear();
        outcomes.clear();
    }

    /** Under {@link #building}: a decision failed on storage; stops writes and fails the group being built. */
    private void failStopBuilt(Exception e) {
        failStop(e, requests);
        requests.clear();
        outcomes.clear();
    }

    /**
     * On the sync thread: syncs {@code group}, then each group the writer built meanwhile, until the
     * writer has nothing waiting.
     */
    private void syncFrom(Group group) {
        while (group != null) {
            sync(group);
            building.lock();
            try {
                if (failure != null) {
                    failBuilt();
                }
                group = requests.isEmpty() ? null : takeGroup();
                syncing = group != null;
            } finally {
                building.unlock();
            }
        }
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
                long size = group.bytes.size();
                long started = System.nanoTime();
                long end = logWriter.flush(group.bytes);
                flushObserver.flushed(group.events, size, System.nanoTime() - started, end);
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
            complete(group);
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

    /**
     * Completes a group's callers. Futures whose completion runs nothing of the caller's here
     * ({@link WaitedFuture}: only the engine's blocking calls wait on it; {@link HandOffFuture}:
     * it hands its completion to the caller's executor) are completed on this thread, a few at a
     * time, which spares their callers a hop; the rest are completed on the completer thread, since
     * what callers chain onto a future runs on the thread that completes it.
     */
    private void complete(Group group) {
        int cheap = 0;
        for (WriteRequest request : group.requests) {
            if (completesCheaply(request)) {
                cheap++;
            }
        }
        boolean inline = cheap > 0 && cheap <= INLINE_COMPLETIONS;
        if (cheap < group.requests.size() || !inline) {
            completer.execute(() -> {
                for (int i = 0; i < group.requests.size(); i++) {
                    WriteRequest request = group.requests.get(i);
                    if (!inline || !completesCheaply(request)) {
                        complete(request, group.outcomes.get(i));
                    }
                }
            });
        }
        if (inline) {
            for (int i = 0; i < group.requests.size(); i++) {
                WriteRequest request = group.requests.get(i);
                if (completesCheaply(request)) {
                    complete(request, group.outcomes.get(i));
                }
            }
        }
    }

    private static boolean completesCheaply(WriteRequest request) {
        return request.future() instanceof WaitedFuture || request.future() instanceof HandOffFuture;
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
        for (WriteRequest r; (r = queue.poll()) != null; ) {
            r.future().completeExceptionally(reason);
        }
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
