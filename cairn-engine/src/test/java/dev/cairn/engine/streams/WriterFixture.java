package dev.cairn.engine.streams;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.EventData;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.index.RecentIds;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.log.ChannelFactory;
import dev.cairn.engine.log.Checkpoint;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * A {@link Writer} over a fresh log (1 MiB segments), checkpoint and index in a directory, for
 * tests of the write path without the rest of the store. Not thread-safe to open or close.
 */
final class WriterFixture implements AutoCloseable {

    final StreamIndex index;
    final Writer writer;
    private final Log log;
    private final Checkpoint checkpoint;

    /**
     * @param published the writer's publish hook (tests slow the sync stage down with it)
     * @param indexFlush run for each periodic index flush, or null for the store's own
     */
    WriterFixture(Path dir, long indexFlushEvents, LongConsumer published, Runnable indexFlush) throws Exception {
        log = Log.open(dir.resolve("log"), 1 << 20, ChannelFactory.DEFAULT);
        checkpoint = Checkpoint.open(dir.resolve("log").resolve("checkpoint"));
        index = Recovery.run(log, checkpoint, dir.resolve("index"));
        StreamCatalog catalog = new StreamCatalog(log, index, 1_000);
        LogWriter logWriter = new LogWriter(log, checkpoint, log.committedEnd());
        RecentIds recentIds = Recovery.recentIds(log, 1_000);
        writer = indexFlush == null
                ? new Writer(catalog, logWriter, recentIds, 10_000, 4096, indexFlushEvents, published)
                : new Writer(catalog, logWriter, recentIds, 10_000, 4096, indexFlushEvents, published, indexFlush);
        writer.start();
    }

    /** Submits a one-event append with id {@code id}; the future completes with its outcome. */
    CompletableFuture<Object> append(String stream, StreamState expected, UUID id) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        AppendRequest part = new AppendRequest(StreamName.of(stream), expected, List.of(EventData.json(id, "T", "{}")));
        writer.submit(new WriteRequest.Append(List.of(part), false, 0, future));
        return future;
    }

    /**
     * Appends as the engine's blocking calls do ({@link WaitedFuture}: the request may be decided
     * on this thread and completed on the sync thread) and waits for the outcome.
     */
    Object appendWaited(String stream, StreamState expected, UUID id) {
        WaitedFuture future = new WaitedFuture();
        AppendRequest part = new AppendRequest(StreamName.of(stream), expected, List.of(EventData.json(id, "T", "{}")));
        writer.submit(new WriteRequest.Append(List.of(part), false, 0, future));
        return future.join();
    }

    @Override
    public void close() throws Exception {
        writer.close();
        index.close();
        checkpoint.close();
        log.close();
    }
}
