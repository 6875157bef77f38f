package dev.cairn.server.conformance;

import static dev.cairn.api.StreamState.any;
import static dev.cairn.api.StreamState.at;
import static dev.cairn.api.StreamState.noStream;
import static dev.cairn.api.StreamState.streamExists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.EventData;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamName;
import dev.cairn.server.TestNode;
import dev.cairn.server.conformance.Face.Read;
import dev.cairn.server.conformance.Face.Written;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

/** Appends: every expected state, idempotent retries, batches, size limits, multi-stream appends. */
class AppendConformanceTest extends ConformanceFixture {

    @Scenario
    void everyExpectedStateThatHoldsAppends(Face face) {
        String s = stream("append");
        Written first = face.append(s, noStream(), events("A", "B"));
        assertThat(first.revision()).isEqualTo(1);
        assertThat(face.append(s, at(1), events("C")).revision()).isEqualTo(2);
        assertThat(face.append(s, streamExists(), events("D")).revision()).isEqualTo(3);
        Written last = face.append(s, any(), events("E"));
        assertThat(last.revision()).isEqualTo(4);

        assertThat(last.position()).isGreaterThan(first.position());
        // an append reports the position of its last event
        assertThat(last.position()).isEqualTo(lastPosition(face, s));
        assertThat(types(face, s)).containsExactly("A", "B", "C", "D", "E");
    }

    @Scenario
    void anyAndNoStreamCreateAStream(Face face) {
        String a = stream("create-any");
        String n = stream("create-no-stream");
        assertThat(face.append(a, any(), events("A")).revision()).isZero();
        assertThat(face.append(n, noStream(), events("A")).revision()).isZero();
    }

    @Scenario
    void eachExpectedStateThatFailsReportsExpectedAndActual(Face face) {
        String s = stream("wev");
        face.append(s, any(), events("A", "B"));

        assertThat(failure(() -> face.append(s, noStream(), events("X"))))
                .isEqualTo(wrongExpectedVersion(s, noStream(), at(1)));
        assertThat(failure(() -> face.append(s, at(0), events("X"))))
                .isEqualTo(wrongExpectedVersion(s, at(0), at(1)));
        assertThat(failure(() -> face.append(s, at(5), events("X"))))
                .isEqualTo(wrongExpectedVersion(s, at(5), at(1)));

        String missing = stream("wev-missing");
        assertThat(failure(() -> face.append(missing, streamExists(), events("X"))))
                .isEqualTo(wrongExpectedVersion(missing, streamExists(), noStream()));
        assertThat(failure(() -> face.append(missing, at(0), events("X"))))
                .isEqualTo(wrongExpectedVersion(missing, at(0), noStream()));

        // nothing of the refused appends was written
        assertThat(types(face, s)).containsExactly("A", "B");
        assertThat(failure(() -> face.readStream(missing, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(missing));
    }

    @Scenario
    void aRetryWithTheSameIdsReturnsTheFirstResultAndWritesNothing(Face face) {
        String s = stream("idempotent");
        List<EventData> batch = events("A", "B");
        Written first = face.append(s, noStream(), batch);
        assertThat(face.append(s, noStream(), batch)).isEqualTo(first);

        List<EventData> next = events("C", "D");
        Written second = face.append(s, at(1), next);
        assertThat(face.append(s, at(1), next)).isEqualTo(second);
        // with any, a retry is recognised even after later appends
        face.append(s, any(), events("E"));
        assertThat(face.append(s, any(), next)).isEqualTo(second);

        assertThat(revisions(face, s)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Scenario
    void aRetryThatOnlyPartlyMatchesIsWrongExpectedVersion(Face face) {
        String s = stream("partial-retry");
        List<EventData> batch = events("A", "B");
        face.append(s, noStream(), batch);

        List<EventData> partly = List.of(batch.get(0), event("X"));
        assertThat(failure(() -> face.append(s, noStream(), partly)))
                .isEqualTo(wrongExpectedVersion(s, noStream(), at(1)));
        assertThat(types(face, s)).containsExactly("A", "B");
    }

    @Scenario
    void anExpectedRevisionAtTheEndWritesAgainEvenWithKnownIds(Face face) {
        String s = stream("dup-at-end");
        List<EventData> batch = events("A");
        face.append(s, noStream(), batch);
        assertThat(face.append(s, at(0), batch).revision()).isEqualTo(1);
        assertThat(revisions(face, s)).containsExactly(0L, 1L);
    }

    @Scenario
    void aBatchIsWrittenContiguouslyInOrder(Face face) {
        String s = stream("batch");
        Written written = face.append(s, noStream(), numbered("N", 100));
        assertThat(written.revision()).isEqualTo(99);

        List<Read> read = face.readStream(s, ReadStreamOptions.forwards());
        assertThat(read).extracting(r -> r.event().revision()).containsExactlyElementsOf(
                LongStream.range(0, 100).boxed().toList());
        assertThat(read).extracting(r -> r.event().data()).startsWith("{\"n\":0}", "{\"n\":1}");
        // nothing else lies between a batch's events in $all
        List<Read> all = face.readAll(ReadAllOptions.forwards().fromPosition(read.get(0).position()).maxCount(100));
        assertThat(all).extracting(Read::position)
                .containsExactlyElementsOf(read.stream().map(Read::position).toList());
        assertThat(written.position()).isEqualTo(read.get(99).position());
    }

    @Scenario
    void aBatchThatFailsWritesNothing(Face face) {
        String s = stream("batch-fails");
        face.append(s, noStream(), events("A"));
        assertThat(failure(() -> face.append(s, noStream(), numbered("N", 10))))
                .isEqualTo(wrongExpectedVersion(s, noStream(), at(0)));
        assertThat(revisions(face, s)).containsExactly(0L);
    }

    @Scenario
    void anAppendOverTheMaximumSizeIsRefusedWhole(Face face) {
        String s = stream("too-large");
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(EventData.binary("Big", new byte[900_000]));
        }
        assertThat(failure(() -> face.append(s, any(), events)))
                .isEqualTo(new Failure.MaximumAppendSizeExceeded(TestNode.MAX_APPEND_SIZE));
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
    }

    @Scenario
    void anEventOverTheMaximumEventSizeIsRefusedWithItsIdAndSize(Face face) {
        String s = stream("event-too-large");
        // KurrentDB counts data, metadata and twice the type's length
        EventData big = EventData.binary("Big", new byte[(int) TestNode.MAX_EVENT_SIZE]);
        assertThat(failure(() -> face.append(s, any(), List.of(event("Small"), big))))
                .isEqualTo(new Failure.MaximumAppendEventSizeExceeded(big.id(), TestNode.MAX_EVENT_SIZE + 6,
                        TestNode.MAX_EVENT_SIZE));
        // an event over both limits is refused as an event too large
        EventData huge = EventData.binary("Huge", new byte[(int) TestNode.MAX_APPEND_SIZE + 1]);
        assertThat(failure(() -> face.append(s, any(), List.of(huge))))
                .isEqualTo(new Failure.MaximumAppendEventSizeExceeded(huge.id(), TestNode.MAX_APPEND_SIZE + 9,
                        TestNode.MAX_EVENT_SIZE));
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
    }

    @Scenario
    void aMultiStreamAppendOverEitherSizeLimitWritesNothing(Face face) {
        String a = stream("multi-too-large-a");
        String b = stream("multi-too-large-b");
        EventData big = EventData.binary("Big", new byte[(int) TestNode.MAX_EVENT_SIZE]);
        assertThat(failure(() -> face.appendMulti(List.of(
                new AppendRequest(StreamName.of(a), any(), events("A0")),
                new AppendRequest(StreamName.of(b), any(), List.of(big))))))
                .isEqualTo(new Failure.MaximumAppendEventSizeExceeded(big.id(), TestNode.MAX_EVENT_SIZE + 6,
                        TestNode.MAX_EVENT_SIZE));

        List<EventData> large = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            large.add(EventData.binary("Big", new byte[900_000]));
        }
        assertThat(failure(() -> face.appendMulti(List.of(
                new AppendRequest(StreamName.of(a), any(), large),
                new AppendRequest(StreamName.of(b), any(), large)))))
                .isEqualTo(new Failure.MaximumAppendSizeExceeded(TestNode.MAX_APPEND_SIZE));
        assertThat(failure(() -> face.readStream(a, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(a));
    }

    @Scenario
    void anAppendOfNoEventsChecksTheStateAndWritesNothing(Face face) {
        String s = stream("empty");
        assertThat(face.append(s, noStream(), List.of())).isEqualTo(new Written(-1, null));
        assertThat(failure(() -> face.append(s, streamExists(), List.of())))
                .isEqualTo(wrongExpectedVersion(s, streamExists(), noStream()));
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
    }

    @Scenario
    void whatIsAppendedIsWhatIsRead(Face face) {
        String s = stream("fields");
        UUID id = UUID.randomUUID();
        EventData json = EventData.json(id, "Placed", "{\"total\":99.5}")
                .withMetadata("{\"user\":\"ann\"}".getBytes(StandardCharsets.UTF_8));
        EventData binary = EventData.binary("Blob", new byte[] {'h', 'i'});
        Instant before = Instant.now().minusSeconds(5);
        face.append(s, noStream(), List.of(json, binary));

        List<Read> read = face.readStream(s, ReadStreamOptions.forwards());
        Face.Event first = read.get(0).event();
        assertThat(first.stream()).isEqualTo(s);
        assertThat(first.revision()).isZero();
        assertThat(first.id()).isEqualTo(id);
        assertThat(first.type()).isEqualTo("Placed");
        assertThat(first.contentType()).isEqualTo("application/json");
        assertThat(first.data()).isEqualTo("{\"total\":99.5}");
        assertThat(first.metadata()).isEqualTo("{\"user\":\"ann\"}");
        assertThat(first.created()).isBetween(before, Instant.now().plusSeconds(5));
        assertThat(first.position()).isEqualTo(read.get(0).position());
        assertThat(first.position().commit()).isEqualTo(first.position().prepare());

        Face.Event second = read.get(1).event();
        assertThat(second.contentType()).isEqualTo("application/octet-stream");
        assertThat(second.data()).isEqualTo("hi");
        assertThat(second.metadata()).isEmpty();
        assertThat(second.id()).isEqualTo(binary.id());
    }

    @Scenario
    void aMultiStreamAppendWritesEveryStream(Face face) {
        String a = stream("multi-a");
        String b = stream("multi-b");
        face.append(b, any(), events("B0"));
        Face.MultiWritten written = face.appendMulti(List.of(
                new AppendRequest(StreamName.of(a), noStream(), events("A0", "A1")),
                new AppendRequest(StreamName.of(b), at(0), events("B1"))));

        assertThat(written.revisions()).containsExactly(a + "@1", b + "@1");
        assertThat(types(face, a)).containsExactly("A0", "A1");
        assertThat(types(face, b)).containsExactly("B0", "B1");
        // the position is that of the last event written
        assertThat(written.commit()).isEqualTo(lastPosition(face, b).commit());
        assertThat(lastPosition(face, a).commit()).isLessThan(written.commit());
    }

    @Scenario
    void aMultiStreamRetryWithTheSameIdsReturnsTheFirstResult(Face face) {
        String a = stream("multi-retry-a");
        String b = stream("multi-retry-b");
        List<AppendRequest> requests = List.of(
                new AppendRequest(StreamName.of(a), noStream(), events("A0", "A1")),
                new AppendRequest(StreamName.of(b), noStream(), events("B0")));
        Face.MultiWritten first = face.appendMulti(requests);
        assertThat(face.appendMulti(requests)).isEqualTo(first);
        assertThat(types(face, a)).containsExactly("A0", "A1");
        assertThat(types(face, b)).containsExactly("B0");
    }

    @Scenario
    void aMultiStreamAppendWithOneConflictWritesNothing(Face face) {
        String a = stream("multi-c");
        String b = stream("multi-d");
        face.append(b, any(), events("B0"));

        assertThat(failure(() -> face.appendMulti(List.of(
                new AppendRequest(StreamName.of(a), noStream(), events("A0")),
                new AppendRequest(StreamName.of(b), noStream(), events("B1"))))))
                .isEqualTo(wrongExpectedVersion(b, noStream(), at(0)));
        assertThat(failure(() -> face.readStream(a, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(a));
        assertThat(types(face, b)).containsExactly("B0");
    }

    @Scenario
    void aMultiStreamAppendToATombstonedStreamIsStreamDeleted(Face face) {
        String a = stream("multi-e");
        String t = stream("multi-tombstoned");
        face.tombstone(t, any());
        assertThat(failure(() -> face.appendMulti(List.of(
                new AppendRequest(StreamName.of(a), any(), events("A0")),
                new AppendRequest(StreamName.of(t), any(), events("T0"))))))
                .isEqualTo(new Failure.StreamDeleted(t));
        assertThat(failure(() -> face.readStream(a, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(a));
    }
}
