package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retries by event id (semantics.md section 3), each run with and without closing and reopening the
 * store between the original append and the retry: KurrentDB forgets recent ids on restart, Cairn
 * reloads them and must decide the same. How far back {@code any} retries are recognised is
 * {@link IdempotencyWindowTest}'s subject.
 */
class IdempotencyTest extends StoreFixture {

    private static final String STREAM = "order-1";

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void fullDuplicateAtTheExpectedPositionReturnsTheOriginalResult(boolean reopen) {
        List<EventData> batch = events(3);
        AppendResult original = append(STREAM, StreamState.noStream(), batch);
        append(STREAM, StreamState.at(2), events(2));
        maybeReopen(reopen);
        Position head = store.headPosition();

        assertThat(append(STREAM, StreamState.noStream(), batch)).isEqualTo(original);
        assertThat(append(STREAM, StreamState.at(0), batch.subList(1, 3))).isEqualTo(original);

        assertThat(read(STREAM)).hasSize(5);
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void duplicateOfAMiddleSliceReturnsTheResultOfItsLastEvent(boolean reopen) {
        List<EventData> batch = events(4);
        append(STREAM, StreamState.noStream(), batch);
        maybeReopen(reopen);

        AppendResult retry = append(STREAM, StreamState.at(0), batch.subList(1, 3));

        assertThat(retry.nextExpectedRevision()).isEqualTo(2);
        assertThat(retry.position()).isEqualTo(read(STREAM).get(2).position());
        assertThat(read(STREAM)).hasSize(4);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void partialDuplicateFailsWithWrongExpectedVersion(boolean reopen) {
        List<EventData> batch = events(3);
        append(STREAM, StreamState.noStream(), batch);
        maybeReopen(reopen);
        Position head = store.headPosition();

        List<EventData> changedTail = List.of(batch.get(0), batch.get(1), event());
        assertThatThrownBy(() -> append(STREAM, StreamState.noStream(), changedTail))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class,
                        e -> assertThat(e.actual()).isEqualTo(StreamState.at(2)));
        List<EventData> pastTheEnd = new ArrayList<>(batch);
        pastTheEnd.add(event());
        assertThatThrownBy(() -> append(STREAM, StreamState.noStream(), pastTheEnd))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThatThrownBy(() -> append(STREAM, StreamState.any(), changedTail))
                .as("any: first id found, a later one not")
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThatThrownBy(() -> append(STREAM, StreamState.streamExists(), changedTail))
                .isInstanceOf(WrongExpectedVersionException.class);

        assertThat(recordedIds(read(STREAM))).isEqualTo(ids(batch));
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void anyRetryOfTheSameIdsReturnsTheOriginalResultEvenAfterLaterAppends(boolean reopen) {
        List<EventData> batch = events(2);
        AppendResult original = append(STREAM, StreamState.any(), batch);
        append(STREAM, StreamState.any(), events(3));
        append("other", StreamState.any(), events(1));
        maybeReopen(reopen);
        Position head = store.headPosition();

        assertThat(append(STREAM, StreamState.any(), batch)).isEqualTo(original);
        assertThat(append(STREAM, StreamState.streamExists(), batch)).isEqualTo(original);

        assertThat(read(STREAM)).hasSize(5);
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void anyWithANewFirstIdWritesTheWholeBatchEvenIfLaterIdsAreDuplicates(boolean reopen) {
        List<EventData> batch = events(2);
        append(STREAM, StreamState.any(), batch);
        maybeReopen(reopen);

        AppendResult result = append(STREAM, StreamState.any(), event(), batch.get(0));

        assertThat(result.nextExpectedRevision()).isEqualTo(3);
        assertThat(read(STREAM)).hasSize(4);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void idsOfAnotherStreamAreNotDuplicates(boolean reopen) {
        List<EventData> batch = events(2);
        append("other", StreamState.any(), batch);
        maybeReopen(reopen);

        AppendResult result = append(STREAM, StreamState.any(), batch);

        assertThat(result.nextExpectedRevision()).isEqualTo(1);
        assertThat(recordedIds(read(STREAM))).isEqualTo(ids(batch));
    }

    /**
     * KurrentDB compares a no_stream batch with the events from revision 0 on a soft-deleted stream
     * too; only a mismatch of the first event lets it write (the soft-delete exception).
     */
    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void noStreamRetryOnASoftDeletedStreamIsStillIdempotent(boolean reopen) {
        List<EventData> batch = events(3);
        AppendResult original = append(STREAM, StreamState.noStream(), batch);
        store.delete(name(STREAM), StreamState.any());
        maybeReopen(reopen);
        Position head = store.headPosition();

        assertThat(append(STREAM, StreamState.noStream(), batch)).isEqualTo(original);
        assertThatThrownBy(() -> append(STREAM, StreamState.noStream(), batch.get(0), event()))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.headPosition()).isEqualTo(head);
        assertThatThrownBy(() -> read(STREAM)).isInstanceOf(dev.cairn.api.StreamNotFoundException.class);

        assertThat(append(STREAM, StreamState.noStream(), event(), batch.get(0)).nextExpectedRevision())
                .as("a new first event is written").isEqualTo(4);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void expectedEqualToCurrentWritesAgainEvenWithDuplicateIds(boolean reopen) {
        List<EventData> batch = events(2);
        append(STREAM, StreamState.noStream(), batch);
        maybeReopen(reopen);

        AppendResult again = append(STREAM, StreamState.at(1), batch);

        assertThat(again.nextExpectedRevision()).isEqualTo(3);
        assertThat(recordedIds(read(STREAM))).containsExactly(batch.get(0).id(), batch.get(1).id(),
                batch.get(0).id(), batch.get(1).id());
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void expectedAboveCurrentFailsEvenWithKnownIds(boolean reopen) {
        List<EventData> batch = events(2);
        append(STREAM, StreamState.noStream(), batch);
        maybeReopen(reopen);

        assertThatThrownBy(() -> append(STREAM, StreamState.at(4), batch))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class,
                        e -> assertThat(e.actual()).isEqualTo(StreamState.at(1)));
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void multiStreamRetryIsIdempotentOnlyWhenEveryStreamIs(boolean reopen) {
        List<EventData> a = events(2);
        List<EventData> b = events(1);
        MultiAppendResult original = store.append(List.of(
                new AppendRequest(name("a"), StreamState.noStream(), a),
                new AppendRequest(name("b"), StreamState.noStream(), b)));
        maybeReopen(reopen);
        Position head = store.headPosition();

        MultiAppendResult retry = store.append(List.of(
                new AppendRequest(name("a"), StreamState.noStream(), a),
                new AppendRequest(name("b"), StreamState.noStream(), b)));
        assertThat(retry).isEqualTo(original);

        assertThatThrownBy(() -> store.append(List.of(
                new AppendRequest(name("a"), StreamState.noStream(), a),
                new AppendRequest(name("c"), StreamState.noStream(), events(1)))))
                .as("a mix of a duplicate and a new write")
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.headPosition()).isEqualTo(head);
    }
}
