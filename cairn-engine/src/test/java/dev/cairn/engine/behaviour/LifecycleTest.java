package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The store over its life: many writers at once (group commit must keep every rule), long streams
 * read in pages, and close, which finishes queued appends and then refuses calls.
 */
class LifecycleTest extends StoreFixture {

    @Test
    void concurrentWritersWithOptimisticRetriesLoseNothingAndDuplicateNothing() throws Exception {
        int threads = 4;
        int perThread = 60;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<EventData>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<EventData> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        EventData e = event();
                        String stream = "s-" + (i % 3);
                        while (true) {
                            long last = lastRevision(stream);
                            try {
                                store.append(name(stream), StreamState.actual(last), List.of(e));
                                break;
                            } catch (WrongExpectedVersionException conflict) {
                                // another writer won: read again and retry
                            }
                        }
                        mine.add(e);
                    }
                    return mine;
                }));
            }
            Set<java.util.UUID> sent = new HashSet<>();
            for (Future<List<EventData>> f : futures) {
                sent.addAll(ids(f.get(60, TimeUnit.SECONDS)));
            }

            List<RecordedEvent> all = readAll();
            assertThat(all).hasSize(threads * perThread);
            assertThat(new HashSet<>(recordedIds(all))).isEqualTo(sent);
            for (int s = 0; s < 3; s++) {
                List<RecordedEvent> stream = read("s-" + s);
                for (int i = 0; i < stream.size(); i++) {
                    assertThat(stream.get(i).revision()).isEqualTo(i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private long lastRevision(String stream) {
        List<RecordedEvent> last;
        try {
            last = read(stream, ReadStreamOptions.backwards().maxCount(1));
        } catch (dev.cairn.api.StreamNotFoundException e) {
            return -1;
        }
        return last.isEmpty() ? -1 : last.get(0).revision();
    }

    @Test
    void concurrentRetriesOfTheSameAppendWriteItOnce() throws Exception {
        List<EventData> batch = events(3);
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(store.appendAsync(name("s"), StreamState.any(), batch));
        }
        Set<AppendResult> results = new HashSet<>();
        for (CompletableFuture<AppendResult> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }

        assertThat(results).hasSize(1);
        assertThat(recordedIds(read("s"))).isEqualTo(ids(batch));
    }

    @ParameterizedTest(name = "{0} {1} from {2} max {3}")
    @CsvSource({
        "forwards,  1300, start, all",
        "backwards, 1300, end,   all",
        "forwards,  1300, 700,   600",
        "backwards, 1300, 1000,  900",
        "forwards,  1300, 511,   514",
        "backwards, 1300, 512,   all",
    })
    void longStreamsReadInPagesInBothDirections(String direction, int count, String from, String max) {
        List<EventData> written = new ArrayList<>();
        for (int i = 0; i < count; i += 100) {
            List<EventData> batch = events(100);
            append("long", StreamState.any(), batch);
            append("noise", StreamState.any(), events(7));
            written.addAll(batch);
        }
        boolean forwards = direction.equals("forwards");
        ReadStreamOptions options = forwards ? ReadStreamOptions.forwards() : ReadStreamOptions.backwards();
        long start = forwards ? 0 : count - 1;
        if (!from.equals("start") && !from.equals("end")) {
            start = Long.parseLong(from);
            options = options.fromRevision(start);
        }
        long limit = max.equals("all") ? Long.MAX_VALUE : Long.parseLong(max);
        if (!max.equals("all")) {
            options = options.maxCount(limit);
        }

        List<Long> expected = new ArrayList<>();
        for (long r = start; r >= 0 && r < count && expected.size() < limit; r += forwards ? 1 : -1) {
            expected.add(r);
        }
        List<RecordedEvent> read = read("long", options);
        assertThat(revisions(read)).isEqualTo(expected);
        for (RecordedEvent e : read) {
            assertThat(e.id()).isEqualTo(written.get((int) e.revision()).id());
        }
    }

    @Test
    void retentionOverManyPagesStillReturnsOnlyTheVisibleTail() {
        for (int i = 0; i < 12; i++) {
            append("long", StreamState.any(), events(100));
        }
        store.setStreamMetadata(name("long"), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(5L));

        assertThat(revisions(read("long"))).containsExactly(1195L, 1196L, 1197L, 1198L, 1199L);
        assertThat(revisions(readBackwards("long"))).containsExactly(1199L, 1198L, 1197L, 1196L, 1195L);
        assertThat(read("long", ReadStreamOptions.backwards().fromRevision(1100))).isEmpty();
    }

    @Test
    void closeFinishesQueuedAppendsThenRefusesCalls() throws Exception {
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            futures.add(store.appendAsync(name("s-" + (i % 5)), StreamState.any(), List.of(event())));
        }
        EventStore closing = store;
        closing.close();

        for (CompletableFuture<AppendResult> f : futures) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isNotNull();
        }
        assertThatThrownBy(() -> closing.append(name("s-0"), StreamState.any(), List.of(event())))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> closing.readAllToList(ReadAllOptions.forwards()))
                .isInstanceOf(StoreUnavailableException.class);
        closing.close();

        store = dev.cairn.engine.Cairn.open(options().build());
        assertThat(readAll()).hasSize(300);
    }
}
