package dev.cairn.engine.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.log.ChannelFactory;
import dev.cairn.engine.log.Checkpoint;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB's flush waits until it can run without stalling writes, which behind a busy compaction
 * took seconds; when the sync thread made it, every append waited that long. The periodic index
 * flush now runs on a thread of its own: a flush that does not return holds up no append, and
 * flushes do not pile up behind it.
 */
class IndexFlushOffTheSyncPathTest {

    private static final int FLUSH_EVERY = 10;

    @TempDir
    Path dir;
    private Log log;
    private Checkpoint checkpoint;
    private StreamIndex index;
    private Writer writer;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger flushes = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        log = Log.open(dir.resolve("log"), 1 << 20, ChannelFactory.DEFAULT);
        checkpoint = Checkpoint.open(dir.resolve("log").resolve("checkpoint"));
        index = Recovery.run(log, checkpoint, dir.resolve("index"));
        StreamCatalog catalog = new StreamCatalog(log, index, 1_000);
        writer = new Writer(catalog, new LogWriter(log, checkpoint, log.committedEnd()), 10_000, 4096, FLUSH_EVERY,
                end -> { }, () -> {
                    flushes.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    index.flush(false);
                });
        writer.start();
    }

    @AfterEach
    void close() throws Exception {
        release.countDown();
        writer.close();
        index.close();
        checkpoint.close();
        log.close();
    }

    private AppendResult append(String stream) throws Exception {
        CompletableFuture<Object> future = new CompletableFuture<>();
        AppendRequest part = new AppendRequest(StreamName.of(stream), StreamState.any(),
                List.of(EventData.json(UUID.randomUUID(), "T", "{}")));
        writer.submit(new WriteRequest.Append(List.of(part), false, 0, future));
        return (AppendResult) future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void appendsCompleteWhileAnIndexFlushHangs() throws Exception {
        for (int i = 0; i < 20 * FLUSH_EVERY; i++) {
            assertThat(append("s").nextExpectedRevision()).isEqualTo(i);
        }
        // one flush started and hangs; the ones due since were skipped, not queued behind it
        assertThat(flushes).hasValue(1);
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (flushes.get() < 2 && System.nanoTime() < deadline) {
            append("s");
        }
        assertThat(flushes.get()).as("the next flush after the hung one finished").isGreaterThanOrEqualTo(2);
        assertThat(writer.failure()).isNull();
    }
}
