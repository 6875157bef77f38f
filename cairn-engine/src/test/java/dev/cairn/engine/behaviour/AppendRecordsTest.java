package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsistencyCheckException;
import dev.cairn.api.EventData;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AppendRecords (KurrentDB 26.1, semantics.md section 9): records in any order across streams,
 * written atomically when every consistency check holds; checks may name streams that are not
 * written; every failing check is reported with its actual state.
 */
class AppendRecordsTest extends StoreFixture {

    private static AppendRecord record(String stream, EventData event) {
        return new AppendRecord(name(stream), event);
    }

    private static ConsistencyCheck check(String stream, StreamState expected) {
        return new ConsistencyCheck(name(stream), expected);
    }

    /** The append fails with one failing check, reporting {@code actual} as the stream's state. */
    private static void assertOnlyFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable append,
            StreamState actual) {
        assertThatThrownBy(append).isInstanceOfSatisfying(ConsistencyCheckException.class, e -> assertThat(e.failures())
                .singleElement().extracting(ConsistencyCheckException.Failure::actual).isEqualTo(actual));
    }

    @Test
    void interleavedRecordsGetConsecutiveRevisionsPerStreamInRequestOrder() {
        seed("b", 2);
        EventData a0 = event();
        EventData b2 = event();
        EventData a1 = event();
        EventData c0 = event();
        EventData b3 = event();

        MultiAppendResult result = store.appendRecords(
                List.of(record("a", a0), record("b", b2), record("a", a1), record("c", c0), record("b", b3)),
                List.of());

        assertThat(result.results()).extracting(AppendResult::stream, AppendResult::nextExpectedRevision)
                .containsExactly(tuple(name("a"), 1L), tuple(name("b"), 3L), tuple(name("c"), 0L));
        assertThat(recordedIds(read("a"))).containsExactly(a0.id(), a1.id());
        assertThat(revisions(read("b"))).containsExactly(0L, 1L, 2L, 3L);
        assertThat(recordedIds(read("b")).subList(2, 4)).containsExactly(b2.id(), b3.id());
        List<RecordedEvent> all = readAll();
        List<RecordedEvent> written = all.subList(all.size() - 5, all.size());
        assertThat(recordedIds(written)).containsExactly(a0.id(), b2.id(), a1.id(), c0.id(), b3.id());
        assertThat(result.results().get(0).position()).isEqualTo(written.get(2).position());
        assertThat(result.results().get(1).position()).isEqualTo(written.get(4).position());
        assertThat(result.position()).isEqualTo(written.get(4).position());
    }

    @Test
    void checksOnStreamsWrittenAndNotWrittenThatHoldLetTheAppendThrough() {
        seed("written", 2);
        seed("checked", 1);

        MultiAppendResult result = store.appendRecords(
                List.of(record("written", event()), record("fresh", event())),
                List.of(check("written", StreamState.at(1)), check("checked", StreamState.streamExists()),
                        check("fresh", StreamState.noStream()), check("absent", StreamState.noStream())));

        assertThat(result.results()).as("check-only streams have no result")
                .extracting(AppendResult::stream, AppendResult::nextExpectedRevision)
                .containsExactly(tuple(name("written"), 2L), tuple(name("fresh"), 0L));
        assertThat(read("checked")).hasSize(1);
        assertThatThrownBy(() -> read("absent")).isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void everyFailingCheckIsReportedWithItsActualStateAndNothingIsWritten() {
        seed("written", 2);
        seed("checked", 1);
        seed("fine", 1);
        Position head = store.headPosition();

        assertThatThrownBy(() -> store.appendRecords(
                List.of(record("written", event()), record("new", event())),
                List.of(check("written", StreamState.at(5)), check("fine", StreamState.at(0)),
                        check("checked", StreamState.noStream()), check("absent", StreamState.streamExists()),
                        check("new", StreamState.at(0)))))
                .isInstanceOfSatisfying(ConsistencyCheckException.class, e -> assertThat(e.failures())
                        .extracting(ConsistencyCheckException.Failure::index, ConsistencyCheckException.Failure::stream,
                                ConsistencyCheckException.Failure::expected, ConsistencyCheckException.Failure::actual)
                        .containsExactly(
                                tuple(0, name("written"), StreamState.at(5), StreamState.at(1)),
                                tuple(2, name("checked"), StreamState.noStream(), StreamState.at(0)),
                                tuple(3, name("absent"), StreamState.streamExists(), StreamState.noStream()),
                                tuple(4, name("new"), StreamState.at(0), StreamState.noStream())));

        assertThat(store.headPosition()).isEqualTo(head);
        assertThat(read("written")).hasSize(2);
        assertThatThrownBy(() -> read("new")).isInstanceOf(StreamNotFoundException.class);
    }

    /** KurrentDB: a tombstoned stream "does not exist" to a check, unless the append writes it. */
    @ParameterizedTest(name = "check {0} on a tombstoned stream not written -> holds: {1}")
    @CsvSource({"no_stream, true", "tombstoned, true", "stream_exists, false", "2, false", "deleted, false"})
    void checksOnATombstonedStreamTheAppendDoesNotWrite(String expected, boolean holds) {
        seed("gone", 3);
        store.tombstone(name("gone"), StreamState.any());
        List<AppendRecord> records = List.of(record("other", event()));
        List<ConsistencyCheck> checks = List.of(check("gone", ExpectedStateTest.state(expected)));

        if (holds) {
            store.appendRecords(records, checks);
            assertThat(read("other")).hasSize(1);
        } else {
            assertOnlyFailure(() -> store.appendRecords(records, checks), StreamState.tombstoned());
            assertThatThrownBy(() -> read("other")).isInstanceOf(StreamNotFoundException.class);
        }
    }

    @ParameterizedTest(name = "check {0} on a tombstoned stream the append writes fails")
    @CsvSource({"no_stream", "tombstoned", "stream_exists", "2", "deleted"})
    void checksOnATombstonedStreamTheAppendWritesFail(String expected) {
        seed("gone", 3);
        store.tombstone(name("gone"), StreamState.any());
        Position head = store.headPosition();

        assertThatThrownBy(() -> store.appendRecords(List.of(record("other", event()), record("gone", event())),
                List.of(check("gone", ExpectedStateTest.state(expected)))))
                .isInstanceOfSatisfying(ConsistencyCheckException.class, e -> assertThat(e.failures())
                        .extracting(ConsistencyCheckException.Failure::index, ConsistencyCheckException.Failure::actual)
                        .containsExactly(tuple(0, StreamState.tombstoned())));
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void theMetastreamOfATombstonedStreamCanNeitherBeWrittenNorPassACheck() {
        seed("gone", 1);
        store.tombstone(name("gone"), StreamState.any());
        Position head = store.headPosition();
        EventData metadata = new EventData(java.util.UUID.randomUUID(), dev.cairn.api.EventType.METADATA,
                dev.cairn.api.ContentType.JSON, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);

        assertOnlyFailure(() -> store.appendRecords(List.of(record("$$gone", metadata)), List.of()),
                StreamState.tombstoned());
        assertOnlyFailure(() -> store.appendRecords(List.of(record("other", event())),
                List.of(check("$$gone", StreamState.streamExists()))), StreamState.tombstoned());

        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void recordsToTheMetastreamOfASoftDeletedStreamUndeleteIt() {
        seed("deleted", 3);
        store.delete(name("deleted"), StreamState.any());
        EventData metadata = new EventData(java.util.UUID.randomUUID(), dev.cairn.api.EventType.METADATA,
                dev.cairn.api.ContentType.JSON, "{\"$maxCount\":4}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                null);

        store.appendRecords(List.of(record("$$deleted", metadata)), List.of());

        assertThat(store.getStreamMetadata(name("deleted")).metadata())
                .isEqualTo(dev.cairn.api.StreamMetadata.EMPTY.withMaxCount(4L).withTruncateBefore(3L));
        assertThat(read("deleted")).isEmpty();
    }

    /**
     * KurrentDB reports a tombstoned stream written without a check as a violation of "any",
     * numbered after the checks in the order the records first name the streams.
     */
    @Test
    void writingToATombstonedStreamWithoutACheckFailsAndWritesNothing() {
        store.tombstone(name("gone"), StreamState.any());
        seed("checked", 1);
        Position head = store.headPosition();

        assertThatThrownBy(() -> store.appendRecords(
                List.of(record("other", event()), record("gone", event()), record("other", event())),
                List.of(check("checked", StreamState.at(0)))))
                .isInstanceOfSatisfying(ConsistencyCheckException.class, e -> assertThat(e.failures())
                        .extracting(ConsistencyCheckException.Failure::index, ConsistencyCheckException.Failure::stream,
                                ConsistencyCheckException.Failure::expected, ConsistencyCheckException.Failure::actual)
                        .containsExactly(tuple(2, name("gone"), StreamState.any(), StreamState.tombstoned())));

        assertThat(store.headPosition()).isEqualTo(head);
    }

    @ParameterizedTest(name = "check {0} on a soft-deleted stream -> {1}")
    @CsvSource({"no_stream, holds", "2, holds", "deleted, holds", "stream_exists, deleted", "1, 2", "tombstoned, 2"})
    void checksOnASoftDeletedStream(String expected, String outcome) {
        seed("deleted", 3);
        store.delete(name("deleted"), StreamState.any());
        List<AppendRecord> records = List.of(record("deleted", event()));
        List<ConsistencyCheck> checks = List.of(check("deleted", ExpectedStateTest.state(expected)));

        if (outcome.equals("holds")) {
            MultiAppendResult result = store.appendRecords(records, checks);
            assertThat(result.results().get(0).nextExpectedRevision()).as("revisions continue after L").isEqualTo(3);
            assertThat(revisions(read("deleted"))).containsExactly(3L);
            List<RecordedEvent> all = readAll();
            assertThat(all.get(all.size() - 1).dataAsString()).as("the undelete follows the events")
                    .isEqualTo("{\"$tb\":3}");
        } else {
            assertOnlyFailure(() -> store.appendRecords(records, checks),
                    outcome.equals("deleted") ? StreamState.deleted() : StreamState.at(Long.parseLong(outcome)));
            assertThatThrownBy(() -> read("deleted")).isInstanceOf(StreamNotFoundException.class);
        }
    }

    @ParameterizedTest(name = "check {0} on a live stream at 2 -> {1}")
    @CsvSource({"2, holds", "stream_exists, holds", "deleted, 2", "tombstoned, 2", "no_stream, 2"})
    void checksOnALiveStream(String expected, String outcome) {
        seed("live", 3);
        List<AppendRecord> records = List.of(record("other", event()));
        List<ConsistencyCheck> checks = List.of(check("live", ExpectedStateTest.state(expected)));

        if (outcome.equals("holds")) {
            store.appendRecords(records, checks);
            assertThat(read("other")).hasSize(1);
        } else {
            assertOnlyFailure(() -> store.appendRecords(records, checks), StreamState.at(Long.parseLong(outcome)));
        }
    }

    @Test
    void existsHoldsForAStreamWithMetadataAndNoEvents() {
        store.setStreamMetadata(name("meta-only"), StreamState.any(), dev.cairn.api.StreamMetadata.EMPTY.withMaxCount(3L));

        store.appendRecords(List.of(record("other", event())), List.of(check("meta-only", StreamState.streamExists())));

        assertThat(read("other")).hasSize(1);
    }

    @ParameterizedTest(name = "check {0} on a stream never written -> fails, none")
    @CsvSource({"0", "stream_exists", "deleted", "tombstoned"})
    void checksOnAStreamNeverWritten(String expected) {
        assertOnlyFailure(() -> store.appendRecords(List.of(record("other", event())),
                List.of(check("never", ExpectedStateTest.state(expected)))), StreamState.noStream());
    }

    @Test
    void theStatesOnlyACheckMayExpectAreRefusedForAWrite() {
        for (StreamState state : List.of(StreamState.deleted(), StreamState.tombstoned())) {
            assertThatThrownBy(() -> store.append(name("s"), state, List.of(event())))
                    .isInstanceOf(dev.cairn.api.InvalidArgumentException.class)
                    .hasMessageContaining("only for consistency checks");
            assertThatThrownBy(() -> store.delete(name("s"), state))
                    .isInstanceOf(dev.cairn.api.InvalidArgumentException.class);
            assertThatThrownBy(() -> store.setStreamMetadata(name("s"), state, dev.cairn.api.StreamMetadata.EMPTY))
                    .isInstanceOf(dev.cairn.api.InvalidArgumentException.class);
        }
        assertThatThrownBy(() -> read("s")).isInstanceOf(StreamNotFoundException.class);
    }

    /**
     * AppendRecords runs KurrentDB's per-stream idempotency check (its checks acting as the expected
     * revisions): a retry of the same records returns the original result, across a restart too.
     */
    @ParameterizedTest(name = "reopen={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aRetryOfTheSameRecordsReturnsTheOriginalResult(boolean reopen) {
        List<AppendRecord> records = List.of(record("a", event()), record("b", event()), record("a", event()));
        List<ConsistencyCheck> checks = List.of(check("b", StreamState.noStream()));
        MultiAppendResult original = store.appendRecords(records, checks);
        append("a", StreamState.any(), event());
        if (reopen) {
            reopen();
        }
        Position head = store.headPosition();

        assertThat(store.appendRecords(records, checks)).isEqualTo(original);
        assertThat(store.appendRecords(records, List.of())).isEqualTo(original);

        assertThat(store.headPosition()).isEqualTo(head);
        assertThat(read("a")).hasSize(3);
        assertThat(read("b")).hasSize(1);
    }

    /** KurrentDB's weak check for "deleted": the undeleting append's retry finds its ids, as for "any". */
    @Test
    void aRetryOfAnAppendThatExpectedDeletedReturnsTheOriginalResult() {
        seed("deleted", 2);
        store.delete(name("deleted"), StreamState.any());
        List<AppendRecord> records = List.of(record("deleted", event()));
        List<ConsistencyCheck> checks = List.of(check("deleted", StreamState.deleted()));
        MultiAppendResult original = store.appendRecords(records, checks);
        Position head = store.headPosition();

        assertThat(store.appendRecords(records, checks)).isEqualTo(original);
        assertThat(store.headPosition()).isEqualTo(head);
        // a new append: the stream is no longer deleted
        assertOnlyFailure(() -> store.appendRecords(List.of(record("deleted", event())), checks), StreamState.at(2));
    }

    @Test
    void aRetryMixingWrittenAndNewStreamsFails() {
        EventData a = event();
        store.appendRecords(List.of(record("a", a)), List.of());
        Position head = store.headPosition();

        assertThatThrownBy(() -> store.appendRecords(List.of(record("a", a), record("new", event())), List.of()))
                .isInstanceOf(dev.cairn.api.WrongExpectedVersionException.class);
        assertThatThrownBy(() -> store.appendRecords(List.of(record("a", a), record("a", event())), List.of()))
                .as("first record known, a later one not").isInstanceOf(dev.cairn.api.WrongExpectedVersionException.class);

        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void anAnyCheckIsRejected() {
        assertThatThrownBy(() -> store.appendRecords(List.of(record("a", event())),
                List.of(check("a", StreamState.any())))).isInstanceOf(InvalidArgumentException.class);
        assertThat(readAll()).isEmpty();
    }

    @Test
    void aStreamMayBeCheckedOnlyOnce() {
        assertThatThrownBy(() -> store.appendRecords(List.of(record("a", event())),
                List.of(check("a", StreamState.noStream()), check("a", StreamState.noStream()))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(readAll()).isEmpty();
    }

    @Test
    void recordsAreValidatedLikeAppends() {
        assertThatThrownBy(() -> store.appendRecords(List.of(record("a", event()), record("$all", event())),
                List.of())).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store.appendRecords(List.of(record("a", event()), record("a", event("$x"))),
                List.of())).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store.appendRecords(List.of(), List.of()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(readAll()).isEmpty();
    }
}
