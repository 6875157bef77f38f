package dev.cairn.engine.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.StreamState;
import java.nio.file.Path;
import java.util.UUID;
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
    private WriterFixture store;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger flushes = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        store = new WriterFixture(dir, FLUSH_EVERY, end -> { }, () -> {
            flushes.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.index.flush(false);
        });
    }

    @AfterEach
    void close() throws Exception {
        release.countDown();
        store.close();
    }

    private AppendResult append(String stream) throws Exception {
        return (AppendResult) store.append(stream, StreamState.any(), UUID.randomUUID()).get(10, TimeUnit.SECONDS);
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
        assertThat(store.writer.failure()).isNull();
    }
}
