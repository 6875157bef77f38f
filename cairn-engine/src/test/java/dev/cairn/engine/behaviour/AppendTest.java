package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Appends to one stream and to several at once: batches are atomic, revisions consecutive, and
 * every event's position has commit == prepare == its own log position, strictly increasing in
 * {@code $all} (semantics.md section 8), also across segment boundaries and a restart.
 */
class AppendTest extends StoreFixture {

    @Test
    void aBatchGetsConsecutiveRevisionsAndTheResultNamesItsLastEvent() {
        List<EventData> first = events(3);
        List<EventData> second = events(2);

        AppendResult r1 = append("s", StreamState.noStream(), first);
        AppendResult r2 = append("s", StreamState.at(2), second);

        List<RecordedEvent> read = read("s");
        assertThat(revisions(read)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(recordedIds(read)).containsExactlyElementsOf(concat(ids(first), ids(second)));
        assertThat(r1).isEqualTo(new AppendResult(name("s"), 2, read.get(2).position()));
        assertThat(r2).isEqualTo(new AppendResult(name("s"), 4, read.get(4).position()));
        assertThat(read.get(0).data()).isEqualTo(first.get(0).data());
        assertThat(read.get(0).type()).isEqualTo(first.get(0).type());
        assertThat(read.get(0).created()).isEqualTo(clock.instant());
    }

    @Test
    void positionsAreTheEventsOwnLogPositionsStrictlyIncreasingAcrossSegmentsAndRestarts() {
        List<AppendResult> results = new ArrayList<>();
        byte[] payload = new byte[40_000];
        for (int i = 0; i < 60; i++) {
            String stream = "s-" + (i % 3);
            List<EventData> batch = List.of(EventData.binary("Big", payload), EventData.binary("Big", payload));
            results.add(store.append(name(stream), StreamState.any(), batch));
        }
        assertThat(store.headPosition().prepare()).as("the log rolled over several segments")
                .isGreaterThan(3 * SEGMENT_SIZE);
        checkPositions(results);

        reopen();

        checkPositions(results);
        AppendResult after = append("s-0", StreamState.at(39), event());
        assertThat(Long.compareUnsigned(after.position().prepare(), results.get(59).position().prepare()))
                .isPositive();
    }

    private void checkPositions(List<AppendResult> results) {
        List<RecordedEvent> all = readAll();
        assertThat(all).hasSize(120);
        for (int i = 0; i < all.size(); i++) {
            Position p = all.get(i).position();
            assertThat(p.commit()).isEqualTo(p.prepare());
            if (i > 0) {
                assertThat(p).isGreaterThan(all.get(i - 1).position());
            }
        }
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).position()).isEqualTo(all.get(2 * i + 1).position());
        }
        for (String stream : List.of("s-0", "s-1", "s-2")) {
            List<RecordedEvent> read = read(stream);
            assertThat(revisions(read)).isEqualTo(range(0, 40));
            for (RecordedEvent e : read) {
                assertThat(all).contains(e);
            }
        }
        assertThat(readAll(ReadAllOptions.backwards())).containsExactlyElementsOf(reversed(all));
        assertThat(Long.compareUnsigned(store.headPosition().prepare(), all.get(119).position().prepare()))
                .isPositive();
    }

    @Test
    void anEmptyStoreHasItsHeadAtTheStart() {
        assertThat(store.headPosition()).isEqualTo(Position.START);
        assertThat(readAll()).isEmpty();
        reopen();
        assertThat(store.headPosition()).isEqualTo(Position.START);
    }

    @Test
    void streamNamesAreCaseSensitive() {
        append("Order-1", StreamState.noStream(), event());
        append("order-1", StreamState.noStream(), event(), event());

        assertThat(read("Order-1")).hasSize(1);
        assertThat(read("order-1")).hasSize(2);
        assertThatThrownBy(() -> read("ORDER-1")).isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void eventsRoundTripTheirContentTypeDataAndMetadata() {
        EventData binary = EventData.binary("Blob", new byte[] {0, 1, 2, (byte) 255}).withMetadata(new byte[] {9, 8});
        EventData json = EventData.json("Doc", "{\"a\":1}");

        append("s", StreamState.noStream(), binary, json);
        reopen();

        List<RecordedEvent> read = read("s");
        assertThat(read.get(0).contentType()).isEqualTo(dev.cairn.api.ContentType.BINARY);
        assertThat(read.get(0).data()).containsExactly(0, 1, 2, 255);
        assertThat(read.get(0).metadata()).containsExactly(9, 8);
        assertThat(read.get(1).contentType()).isEqualTo(dev.cairn.api.ContentType.JSON);
        assertThat(read.get(1).dataAsString()).isEqualTo("{\"a\":1}");
        assertThat(read.get(1).metadata()).isEmpty();
    }

    @Test
    void aFailedBatchWritesNothing() {
        seed("s", 2);
        Position head = store.headPosition();

        assertThatThrownBy(() -> append("s", StreamState.at(0), events(3)))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThatThrownBy(() -> append("s", StreamState.any(), event(), event("$reserved"), event()))
                .isInstanceOf(InvalidArgumentException.class);

        assertThat(read("s")).hasSize(2);
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void concurrentAppendsWithTheSameExpectedRevisionLetExactlyOneWin() throws Exception {
        seed("s", 1);
        List<java.util.concurrent.CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(store.appendAsync(name("s"), StreamState.at(0), List.of(event())));
        }
        int won = 0;
        for (var f : futures) {
            try {
                assertThat(f.get().nextExpectedRevision()).isEqualTo(1);
                won++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(WrongExpectedVersionException.class);
            }
        }
        assertThat(won).isEqualTo(1);
        assertThat(read("s")).hasSize(2);
    }

    // ---- multi-stream append ----

    @Test
    void multiStreamAppendReturnsOneResultPerStreamInRequestOrder() {
        seed("b", 2);
        List<EventData> a = events(2);
        List<EventData> b = events(1);
        List<EventData> c = events(3);

        MultiAppendResult result = store.append(List.of(
                new AppendRequest(name("a"), StreamState.noStream(), a),
                new AppendRequest(name("b"), StreamState.at(1), b),
                new AppendRequest(name("c"), StreamState.any(), c)));

        assertThat(result.results()).extracting(AppendResult::stream, AppendResult::nextExpectedRevision)
                .containsExactly(org.assertj.core.api.Assertions.tuple(name("a"), 1L),
                        org.assertj.core.api.Assertions.tuple(name("b"), 2L),
                        org.assertj.core.api.Assertions.tuple(name("c"), 2L));
        assertThat(result.results().get(0).position()).isEqualTo(read("a").get(1).position());
        assertThat(result.results().get(1).position()).isEqualTo(read("b").get(2).position());
        assertThat(result.results().get(2).position()).isEqualTo(read("c").get(2).position());
        assertThat(result.position()).isEqualTo(result.results().get(2).position());
        List<RecordedEvent> all = readAll();
        assertThat(recordedIds(all.subList(all.size() - 6, all.size())))
                .as("the global order follows the request order")
                .containsExactlyElementsOf(concat(ids(a), concat(ids(b), ids(c))));
    }

    @ParameterizedTest(name = "failing stream expects {0}")
    @CsvSource({"no_stream, 1", "stream_exists, -1", "5, 1", "0, 1"})
    void multiStreamAppendIsAllOrNothing(String expected, long actual) {
        seed("existing", 2);
        Position head = store.headPosition();
        String failing = expected.equals("stream_exists") ? "missing" : "existing";
        StreamState state = ExpectedStateTest.state(expected);

        assertThatThrownBy(() -> store.append(List.of(
                new AppendRequest(name("fresh"), StreamState.noStream(), events(2)),
                new AppendRequest(name(failing), state, events(1)),
                new AppendRequest(name("other"), StreamState.any(), events(1)))))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.stream()).isEqualTo(name(failing));
                    assertThat(e.expected()).isEqualTo(state);
                    assertThat(e.actual()).isEqualTo(StreamState.actual(actual));
                });

        assertThat(store.headPosition()).isEqualTo(head);
        assertThatThrownBy(() -> read("fresh")).isInstanceOf(StreamNotFoundException.class);
        assertThatThrownBy(() -> read("other")).isInstanceOf(StreamNotFoundException.class);
        assertThat(read("existing")).hasSize(2);
    }

    @Test
    void multiStreamAppendToATombstonedStreamWritesNothing() {
        store.tombstone(name("gone"), StreamState.any());
        Position head = store.headPosition();

        assertThatThrownBy(() -> store.append(List.of(
                new AppendRequest(name("fresh"), StreamState.any(), events(1)),
                new AppendRequest(name("gone"), StreamState.any(), events(1)))))
                .isInstanceOf(StreamDeletedException.class);

        assertThat(store.headPosition()).isEqualTo(head);
        assertThatThrownBy(() -> read("fresh")).isInstanceOf(StreamNotFoundException.class);
    }

    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource({"order-1, order-1", "Order-1, order-1", "ORDER-1, order-1"})
    void multiStreamAppendRejectsTheSameStreamTwiceIgnoringCase(String first, String second) {
        Position head = store.headPosition();

        assertThatThrownBy(() -> store.append(List.of(
                new AppendRequest(name(first), StreamState.any(), events(1)),
                new AppendRequest(name(second), StreamState.any(), events(1)))))
                .isInstanceOf(InvalidArgumentException.class);

        assertThat(store.headPosition()).isEqualTo(head);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i < to; i++) {
            values.add(i);
        }
        return values;
    }


    /**
     * An append asked to complete on the caller's executor: once durable, the sync thread hands
     * the completion to that executor and completes nothing itself; a refused append arrives the
     * same way.
     */
    @Test
    void anAppendCompletesOnTheCallersExecutorHandedOnByTheSyncThread() throws Exception {
        BlockingQueue<Runnable> handed = new LinkedBlockingQueue<>();
        List<String> handingThreads = new CopyOnWriteArrayList<>();
        Executor callers = task -> {
            handingThreads.add(Thread.currentThread().getName());
            handed.add(task);
        };

        CompletableFuture<AppendResult> ok = store.appendAsync(name("handed"), StreamState.noStream(), events(2),
                callers);
        Runnable completion = handed.poll(10, TimeUnit.SECONDS);

        assertThat(completion).isNotNull();
        assertThat(ok).as("completing is the executor's job").isNotDone();
        completion.run();
        assertThat(ok).isCompletedWithValueMatching(r -> r.nextExpectedRevision() == 1);
        assertThat(read("handed")).hasSize(2);

        CompletableFuture<AppendResult> refused = store.appendAsync(name("handed"), StreamState.noStream(), events(1),
                callers);
        completion = handed.poll(10, TimeUnit.SECONDS);

        assertThat(completion).isNotNull();
        assertThat(refused).isNotDone();
        completion.run();
        assertThat(refused).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(
                ExecutionException.class).withCauseInstanceOf(WrongExpectedVersionException.class);
        assertThat(handingThreads).containsExactly("cairn-sync", "cairn-sync");

        // refused before it reaches the writer (an event over the size limit): handed on all the same
        byte[] tooBig = new byte[(int) MAX_EVENT_SIZE + 1];
        CompletableFuture<AppendResult> invalid = store.appendAsync(name("handed"), StreamState.any(),
                List.of(EventData.binary("Big", tooBig)), callers);
        completion = handed.poll(10, TimeUnit.SECONDS);

        assertThat(completion).isNotNull();
        assertThat(invalid).isNotDone();
        completion.run();
        assertThat(invalid).isCompletedExceptionally();
        assertThat(handed).isEmpty();
    }
}
