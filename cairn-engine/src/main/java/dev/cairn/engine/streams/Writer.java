package dev.cairn.engine.streams;

import dev.cairn.api.CairnException;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread: drains a group of requests, decides each against the stream state
 * ({@link WriteRules}), encodes the accepted ones, writes and fdatasyncs the group once, updates the
 * index, publishes the new committed end, and only then completes the callers' futures.
 *
 * <p>Design note: one thread owns every mutation, so checks need no locks and the outcome is a
 * deterministic function of the order of requests (timestamps come with the requests). While a
 * group is being synced the queue fills with the next one: that is where throughput comes from.
 * The first storage failure is sticky: every request after it fails with
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
    private final BlockingQueue<WriteRequest> queue;
    private final int maxGroup;
    private final long indexFlushEvents;
    private final Thread thread;
    /**
     * Completes callers' futures off the writer thread, so that whatever callers chain onto them
     * never delays the next group.
     */
    private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-writer-completer");
        t.setDaemon(true);
        return t;
    });
    private final WriteRules rules;
    private final IndexUpdate update;
    private volatile CairnException failure;
    private volatile boolean stopping;
    private long eventsSinceIndexFlush;

    public Writer(StreamCatalog catalog, LogWriter logWriter, int queueCapacity, int maxGroup, long indexFlushEvents) {
        this.log = catalog.log();
        this.index = catalog.index();
        this.catalog = catalog;
        this.logWriter = logWriter;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxGroup = maxGroup;
        this.indexFlushEvents = indexFlushEvents;
        this.update = new IndexUpdate(index, catalog::info, index.nextStreamId());
        this.rules = new WriteRules(catalog, update, logWriter);
        this.thread = new Thread(this::run, "cairn-writer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues a request; blocks while the queue is full (back-pressure). */
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
            queue.put(request);
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

    private void run() {
        List<WriteRequest> group = new ArrayList<>(maxGroup);
        List<Object> outcomes = new ArrayList<>(maxGroup);
        while (true) {
            try {
                WriteRequest first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
            } catch (InterruptedException e) {
                return;
            }
            if (failure != null) {
                group.forEach(r -> r.future().completeExceptionally(unavailable(failure)));
                group.clear();
                continue;
            }
            try {
                for (WriteRequest request : group) {
                    outcomes.add(decide(request));
                }
                commitGroup();
                List<WriteRequest> done = List.copyOf(group);
                List<Object> results = List.copyOf(outcomes);
                completer.execute(() -> {
                    for (int i = 0; i < done.size(); i++) {
                        complete(done.get(i), results.get(i));
                    }
                });
            } catch (IOException | RuntimeException e) {
                failStop(e, group);
            } finally {
                group.clear();
                outcomes.clear();
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

    private void commitGroup() throws IOException {
        if (!logWriter.hasPending()) {
            return;
        }
        long end = logWriter.flush();
        Map<String, StreamInfo> changed = Map.copyOf(update.changedStreams());
        int events = rules.takeEventCount();
        update.commit(end);
        for (Map.Entry<String, StreamInfo> e : changed.entrySet()) {
            catalog.committed(e.getKey(), e.getValue());
        }
        log.publish(end);
        eventsSinceIndexFlush += events;
        if (eventsSinceIndexFlush >= indexFlushEvents) {
            index.flush(false);
            eventsSinceIndexFlush = 0;
        }
    }

    private static void complete(WriteRequest request, Object outcome) {
        if (outcome instanceof CairnException e) {
            request.future().completeExceptionally(e);
        } else {
            request.future().complete(outcome);
        }
    }

    private void failStop(Exception e, List<WriteRequest> group) {
        CairnException cause = e instanceof CairnException ce ? ce
                : new CairnException(dev.cairn.api.ErrorCode.STORAGE_FAILURE, "storage failure: " + e, e);
        failure = cause;
        update.discard();
        LOG.error("writer: storage failure, the store stops accepting writes (fail-stop); restart to recover", e);
        StoreUnavailableException unavailable = unavailable(cause);
        group.forEach(r -> r.future().completeExceptionally(unavailable));
        List<WriteRequest> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(r -> r.future().completeExceptionally(unavailable));
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
        List<WriteRequest> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(r -> r.future().completeExceptionally(new StoreUnavailableException("the store is closed")));
        completer.shutdown();
        try {
            completer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
