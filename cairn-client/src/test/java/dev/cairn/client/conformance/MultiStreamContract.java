package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsistencyCheckException;
import dev.cairn.api.EventData;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Atomic appends to several streams (AppendSession) and appends with consistency checks (AppendRecords). */
abstract class MultiStreamContract extends ContractBase {

    @Test
    void aMultiStreamAppendWritesEveryStreamAtomically() {
        StreamName a = stream("multi-a");
        StreamName b = stream("multi-b");
        append(b, StreamState.noStream(), events(2));
        List<EventData> forA = events(2);
        MultiAppendResult r = store().append(List.of(new AppendRequest(a, StreamState.noStream(), forA),
                new AppendRequest(b, StreamState.at(1), events(1))));

        assertThat(r.results()).extracting(AppendResult::stream).containsExactly(a, b);
        assertThat(r.results()).extracting(AppendResult::nextExpectedRevision).containsExactly(1L, 2L);
        assertThat(recordedIds(read(a))).isEqualTo(ids(forA));
        RecordedEvent lastB = read(b).get(2);
        assertThat(r.position()).isEqualTo(lastB.position());
    }

    @Test
    void oneFailingExpectationWritesNothingAnywhere() {
        StreamName a = stream("atomic-a");
        StreamName b = stream("atomic-b");
        append(b, StreamState.noStream(), events(1));
        assertThatThrownBy(() -> store().append(List.of(new AppendRequest(a, StreamState.noStream(), events(1)),
                new AppendRequest(b, StreamState.noStream(), events(1)))))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.stream()).isEqualTo(b);
                    assertThat(e.expected()).isEqualTo(StreamState.noStream());
                    assertThat(e.actual()).isEqualTo(StreamState.at(0));
                });
        assertThatThrownBy(() -> read(a)).isInstanceOf(StreamNotFoundException.class);
        assertThat(read(b)).hasSize(1);
    }

    @Test
    void aStreamMayAppearOnlyOnceAndATombstonedStreamRefusesTheWholeAppend() {
        StreamName a = stream("once");
        assertThatThrownBy(() -> store().append(List.of(new AppendRequest(a, StreamState.any(), events(1)),
                new AppendRequest(a, StreamState.any(), events(1))))).isInstanceOf(InvalidArgumentException.class);

        StreamName dead = stream("dead");
        append(dead, StreamState.noStream(), events(1));
        store().tombstone(dead, StreamState.any());
        assertThatThrownBy(() -> store().append(List.of(new AppendRequest(a, StreamState.any(), events(1)),
                new AppendRequest(dead, StreamState.any(), events(1))))).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> read(a)).isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void jsonObjectMetadataSurvivesAMultiStreamAppend() {
        StreamName a = stream("multimeta");
        EventData e = EventData.json("WithMeta", "{}").withMetadata(
                "{\"correlationId\":\"c-1\",\"causationId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        store().append(List.of(new AppendRequest(a, StreamState.noStream(), List.of(e))));
        String stored = new String(read(a).get(0).metadata(), StandardCharsets.UTF_8);
        assertThat(stored).isEqualTo("{\"correlationId\":\"c-1\",\"causationId\":\"x\"}");
    }

    @Test
    void recordsForSeveralStreamsAreWrittenWhenEveryCheckHolds() {
        StreamName a = stream("rec-a");
        StreamName b = stream("rec-b");
        StreamName guard = stream("rec-guard");
        append(guard, StreamState.noStream(), events(3));
        MultiAppendResult r = store().appendRecords(List.of(new AppendRecord(a, event()), new AppendRecord(b, event()),
                new AppendRecord(a, event())), List.of(new ConsistencyCheck(guard, StreamState.at(2)),
                new ConsistencyCheck(b, StreamState.noStream())));

        assertThat(r.results()).extracting(AppendResult::stream).containsExactly(a, b);
        assertThat(r.results()).extracting(AppendResult::nextExpectedRevision).containsExactly(1L, 0L);
        assertThat(read(a)).hasSize(2);
        assertThat(r.position()).isEqualTo(read(a).get(1).position());
    }

    @Test
    void failingChecksAreAllReportedAndNothingIsWritten() {
        StreamName a = stream("chk-a");
        StreamName b = stream("chk-b");
        StreamName c = stream("chk-c");
        append(b, StreamState.noStream(), events(2));
        assertThatThrownBy(() -> store().appendRecords(List.of(new AppendRecord(a, event())),
                List.of(new ConsistencyCheck(b, StreamState.at(0)), new ConsistencyCheck(a, StreamState.noStream()),
                        new ConsistencyCheck(c, StreamState.streamExists()))))
                .isInstanceOfSatisfying(ConsistencyCheckException.class, e -> assertThat(e.failures()).containsExactly(
                        new ConsistencyCheckException.Failure(0, b, StreamState.at(0), StreamState.at(1)),
                        new ConsistencyCheckException.Failure(2, c, StreamState.streamExists(), StreamState.noStream())));
        assertThatThrownBy(() -> read(a)).isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void checksOnDeletedAndTombstonedStreams() {
        StreamName deleted = stream("life-deleted");
        StreamName gone = stream("life-gone");
        StreamName a = stream("life-a");
        append(deleted, StreamState.noStream(), events(2));
        store().delete(deleted, StreamState.any());
        append(gone, StreamState.noStream(), events(1));
        store().tombstone(gone, StreamState.any());

        MultiAppendResult r = store().appendRecords(List.of(new AppendRecord(a, event())),
                List.of(new ConsistencyCheck(deleted, StreamState.deleted()),
                        new ConsistencyCheck(gone, StreamState.tombstoned())));
        assertThat(r.results()).extracting(AppendResult::stream).containsExactly(a);

        assertThatThrownBy(() -> store().appendRecords(List.of(new AppendRecord(a, event()),
                new AppendRecord(gone, event())), List.of(new ConsistencyCheck(deleted, StreamState.streamExists()),
                        new ConsistencyCheck(a, StreamState.deleted()))))
                .isInstanceOfSatisfying(ConsistencyCheckException.class, e -> assertThat(e.failures()).containsExactly(
                        new ConsistencyCheckException.Failure(0, deleted, StreamState.streamExists(), StreamState.deleted()),
                        new ConsistencyCheckException.Failure(1, a, StreamState.deleted(), StreamState.at(0)),
                        new ConsistencyCheckException.Failure(2, gone, StreamState.any(), StreamState.tombstoned())));
        assertThat(read(a)).hasSize(1);
    }
}
