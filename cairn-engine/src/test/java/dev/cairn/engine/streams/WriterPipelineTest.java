package dev.cairn.engine.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer decides requests against writes that are not yet in the index: those of the group it
 * is building and of the group being synced. The sync stage is slowed down here (its publish hook
 * sleeps 3 ms per group), so that groups grow and many decisions meet earlier writes still in
 * flight: every decision must still see every earlier write.
 */
class WriterPipelineTest {

    @TempDir
    Path dir;
    private WriterFixture store;

    @BeforeEach
    void open() throws Exception {
        store = new WriterFixture(dir, 50_000, end -> LockSupport.parkNanos(3_000_000), null);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private CompletableFuture<Object> append(String stream, StreamState expected, UUID id) {
        return store.append(stream, expected, id);
    }

    /** Appends submitted without waiting, each expecting the revision the one before it made. */
    @Test
    void aChainOfExpectedRevisionsHoldsAcrossGroupsInFlight() {
        List<CompletableFuture<Object>> appends = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            appends.add(append("chain", i == 0 ? StreamState.noStream() : StreamState.at(i - 1), id));
            if (i % 7 == 0) {
                // give the writer time to hand a group over, so the chain spans many groups
                LockSupport.parkNanos(1_000_000);
            }
        }
        for (int i = 0; i < appends.size(); i++) {
            assertThat(((AppendResult) appends.get(i).join()).nextExpectedRevision()).isEqualTo(i);
        }
        // a second writer of revision 0, and retries by id
        List<CompletableFuture<Object>> retries = new ArrayList<>();
        for (int i = 0; i < 200; i += 10) {
            retries.add(append("chain", StreamState.any(), ids.get(i)));
        }
        CompletableFuture<Object> conflict = append("chain", StreamState.noStream(), UUID.randomUUID());
        for (int i = 0; i < retries.size(); i++) {
            assertThat(((AppendResult) retries.get(i).join()).nextExpectedRevision()).isEqualTo(i * 10L);
        }
        assertThat(conflict).failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(WrongExpectedVersionException.class);
    }

    /**
     * New ids written with {@code any} to a few streams, then retried at once, while many of the
     * first writes are still in flight: each first write gets the next revision of its stream and
     * each retry returns the original result.
     */
    @Test
    void retriesAreRecognisedWhileTheirFirstWriteIsInFlight() {
        List<UUID> ids = new ArrayList<>();
        List<CompletableFuture<Object>> firsts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            firsts.add(append("s-" + (i % 5), StreamState.any(), id));
            LockSupport.parkNanos(300_000);
        }
        List<CompletableFuture<Object>> retries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            retries.add(append("s-" + (i % 5), StreamState.any(), ids.get(i)));
        }
        for (int i = 0; i < firsts.size(); i++) {
            AppendResult first = (AppendResult) firsts.get(i).join();
            assertThat(first.nextExpectedRevision()).as("first write %d", i).isEqualTo(i / 5);
            assertThat(retries.get(i).join()).as("retry %d", i).isEqualTo(first);
        }
    }

    /**
     * A blocking append may be decided on its caller's thread, but never ahead of a request queued
     * before it: here each blocking append expects the revision that the caller's own async append,
     * submitted just before and still queued or in flight, makes.
     */
    @Test
    void aBlockingAppendIsDecidedAfterWhatItsCallerQueuedBeforeIt() {
        for (int i = 0; i < 200; i++) {
            CompletableFuture<Object> first = append("order-" + i, StreamState.noStream(), UUID.randomUUID());
            Object second = store.appendWaited("order-" + i, StreamState.at(0), UUID.randomUUID());
            assertThat(((AppendResult) first.join()).nextExpectedRevision()).isZero();
            assertThat(((AppendResult) second).nextExpectedRevision()).as("append %d", i).isEqualTo(1);
        }
    }

    /**
     * Blocking appends from many threads, some decided on their callers' threads and some queued
     * behind async appends, each chained on its own stream: every one sees every earlier write.
     */
    @Test
    void blockingAndAsyncAppendsFromManyThreadsKeepEveryChain() throws Exception {
        int threads = 12;
        int appends = 60;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            String stream = "chain-" + t;
            boolean async = t % 3 == 0;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < appends; i++) {
                        StreamState expected = i == 0 ? StreamState.noStream() : StreamState.at(i - 1);
                        Object outcome = async ? append(stream, expected, UUID.randomUUID()).join()
                                : store.appendWaited(stream, expected, UUID.randomUUID());
                        assertThat(((AppendResult) outcome).nextExpectedRevision()).isEqualTo(i);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).isEmpty();
    }
}
