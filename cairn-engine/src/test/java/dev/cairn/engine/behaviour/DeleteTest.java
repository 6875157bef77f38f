package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.Acl;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Soft delete, undelete by appending or by setting metadata, and tombstones (semantics.md sections
 * 1 and 2). The expected-state table of both is in {@link ExpectedStateTest}.
 */
class DeleteTest extends StoreFixture {

    private static final String STREAM = "order-1";

    // ---- soft delete ----

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void aSoftDeletedStreamReadsAsNotFoundBothWays(boolean reopen) {
        seed(STREAM, 3);
        store.delete(name(STREAM), StreamState.at(2));
        if (reopen) {
            reopen();
        }

        assertThatThrownBy(() -> read(STREAM)).isInstanceOf(StreamNotFoundException.class);
        assertThatThrownBy(() -> readBackwards(STREAM)).isInstanceOf(StreamNotFoundException.class);
        assertThat(store.getStreamMetadata(name(STREAM)).metadata())
                .isEqualTo(StreamMetadata.EMPTY.withTruncateBefore(Long.MAX_VALUE));
        List<RecordedEvent> meta = read("$$" + STREAM);
        assertThat(meta).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.METADATA);
            assertThat(e.dataAsString()).isEqualTo("{\"$tb\":9223372036854775807}");
        });
    }

    @Test
    void softDeleteReplacesEarlierMetadata() {
        seed(STREAM, 3);
        store.setStreamMetadata(name(STREAM), StreamState.any(),
                StreamMetadata.EMPTY.withMaxCount(10L).withCustom("owner", "ops"));

        store.delete(name(STREAM), StreamState.any());

        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), StreamMetadata.EMPTY.withTruncateBefore(Long.MAX_VALUE), 1));
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void appendingAgainContinuesTheRevisionsAndKeepsEarlierEventsHidden(boolean reopen) {
        List<EventData> before = seed(STREAM, 3);
        store.delete(name(STREAM), StreamState.any());
        if (reopen) {
            reopen();
        }

        List<EventData> after = events(2);
        AppendResult result = append(STREAM, StreamState.any(), after);

        assertThat(result.nextExpectedRevision()).isEqualTo(4);
        assertThat(revisions(read(STREAM))).containsExactly(3L, 4L);
        assertThat(recordedIds(read(STREAM))).isEqualTo(ids(after));
        assertThat(revisions(readBackwards(STREAM))).containsExactly(4L, 3L);
        assertThat(read(STREAM, ReadStreamOptions.forwards().fromRevision(0))).hasSize(2);
        assertThat(read(STREAM, ReadStreamOptions.backwards().fromRevision(2))).isEmpty();
        assertThat(recordedIds(readAll())).as("$all keeps the hidden events").containsAll(ids(before));
        if (reopen) {
            reopen();
            assertThat(revisions(read(STREAM))).containsExactly(3L, 4L);
        }
    }

    @Test
    void metadataAfterUndeleteByAppendIsTbOfTheFirstNewRevision() {
        seed(STREAM, 3);
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(10L));
        store.delete(name(STREAM), StreamState.any());

        EventData event = event();
        AppendResult result = append(STREAM, StreamState.noStream(), event);

        StreamMetadataResult meta = store.getStreamMetadata(name(STREAM));
        assertThat(meta.metadata()).isEqualTo(StreamMetadata.EMPTY.withTruncateBefore(3L));
        assertThat(meta.metastreamRevision()).isEqualTo(2);
        assertThat(read("$$" + STREAM).get(0).dataAsString()).isEqualTo("{\"$tb\":3}");
        List<RecordedEvent> all = readAll();
        assertThat(all.get(all.size() - 2).id()).as("as KurrentDB writes it: the events, then the undelete")
                .isEqualTo(event.id());
        assertThat(all.get(all.size() - 1).stream()).isEqualTo(name("$$" + STREAM));
        assertThat(result.position()).isEqualTo(all.get(all.size() - 2).position());
    }

    @Test
    void settingMetadataOnASoftDeletedStreamUndeletesIt() {
        seed(STREAM, 3);
        store.delete(name(STREAM), StreamState.any());

        StreamMetadata wanted = StreamMetadata.EMPTY.withMaxCount(5L).withCustom("owner", "ops");
        AppendResult result = store.setStreamMetadata(name(STREAM), StreamState.at(0), wanted);

        assertThat(result.stream()).isEqualTo(name("$$" + STREAM));
        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), wanted.withTruncateBefore(3L), 2));
        assertThat(read(STREAM)).as("everything before the undelete stays truncated").isEmpty();
        append(STREAM, StreamState.at(2), event());
        assertThat(revisions(read(STREAM))).containsExactly(3L);
    }

    @Test
    void aMultiStreamAppendOfMetadataThenEventsToASoftDeletedStreamKeepsTheNewMetadata() {
        seed(STREAM, 3);
        store.delete(name(STREAM), StreamState.any());

        // as two appends one after the other would: the metadata undeletes the stream, then the
        // events go after it, and the metadata written stays
        store.appendAsync(List.of(
                new AppendRequest(name("$$" + STREAM), StreamState.any(), List.of(new EventData(
                        java.util.UUID.randomUUID(), EventType.METADATA, dev.cairn.api.ContentType.JSON,
                        "{\"$maxCount\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null))),
                new AppendRequest(name(STREAM), StreamState.noStream(), List.of(event(), event(), event()))))
                .join();

        assertThat(store.getStreamMetadata(name(STREAM)).metadata())
                .isEqualTo(StreamMetadata.EMPTY.withMaxCount(2L).withTruncateBefore(3L));
        assertThat(revisions(read(STREAM))).containsExactly(4L, 5L);
        reopen();
        assertThat(revisions(read(STREAM))).containsExactly(4L, 5L);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void appendingAMetadataEventToTheMetastreamOfASoftDeletedStreamUndeletesIt(boolean reopen) {
        seed(STREAM, 3);
        store.delete(name(STREAM), StreamState.any());
        if (reopen) {
            reopen();
        }

        AppendResult result = append("$$" + STREAM, StreamState.at(0), new EventData(java.util.UUID.randomUUID(),
                EventType.METADATA, dev.cairn.api.ContentType.JSON, "{\"$maxCount\":5,\"owner\":\"ops\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), null));

        assertThat(result.nextExpectedRevision()).as("the metastream after the undelete, as setStreamMetadata reports it")
                .isEqualTo(2);
        List<RecordedEvent> all = readAll();
        assertThat(result.position()).isEqualTo(all.get(all.size() - 1).position());

        assertThat(store.getStreamMetadata(name(STREAM))).as("KurrentDB's SoftUndeleteMetastream")
                .isEqualTo(new StreamMetadataResult(name(STREAM),
                        StreamMetadata.EMPTY.withMaxCount(5L).withCustom("owner", "ops").withTruncateBefore(3L), 2));
        assertThat(read(STREAM)).as("the events before the delete stay hidden").isEmpty();
        assertThat(append(STREAM, StreamState.at(2), event()).nextExpectedRevision()).isEqualTo(3);
        assertThat(revisions(read(STREAM))).containsExactly(3L);
    }

    @Test
    void softDeletingAStreamThatOnlyHasMetadataSucceeds() {
        store.setStreamMetadata(name(STREAM), StreamState.noStream(), StreamMetadata.EMPTY.withMaxCount(3L));

        store.delete(name(STREAM), StreamState.any());

        assertThatThrownBy(() -> read(STREAM)).isInstanceOf(StreamNotFoundException.class);
        assertThat(append(STREAM, StreamState.noStream(), event()).nextExpectedRevision()).isZero();
        assertThat(revisions(read(STREAM))).containsExactly(0L);
    }

    // ---- tombstone ----

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void aTombstonedStreamCanNeitherBeReadNorWrittenNorDeletedAgain(boolean reopen) {
        seed(STREAM, 3);
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(10L));
        store.tombstone(name(STREAM), StreamState.at(2));
        if (reopen) {
            reopen();
        }

        assertThatThrownBy(() -> read(STREAM)).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> readBackwards(STREAM)).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> append(STREAM, StreamState.any(), event())).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> store.delete(name(STREAM), StreamState.any()))
                .isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> store.tombstone(name(STREAM), StreamState.any()))
                .isInstanceOf(StreamDeletedException.class);
        // metadata lives in the metadata stream, and the error names it, as KurrentDB's does
        assertThatThrownBy(() -> store.getStreamMetadata(name(STREAM))).isInstanceOfSatisfying(
                StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo(name("$$" + STREAM)));
        assertThatThrownBy(() -> store.setStreamMetadata(name(STREAM), StreamState.any(),
                StreamMetadata.EMPTY.withMaxCount(1L))).isInstanceOfSatisfying(
                StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo(name("$$" + STREAM)));
        assertThatThrownBy(() -> read("$$" + STREAM)).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> append("$$" + STREAM, StreamState.any(),
                EventData.json(java.util.UUID.randomUUID(), "$metadata", "{}")))
                .isInstanceOf(StreamDeletedException.class);
    }

    @Test
    void aNeverWrittenStreamCanBeTombstoned() {
        store.tombstone(name(STREAM), StreamState.noStream());

        assertThatThrownBy(() -> read(STREAM)).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> store.getStreamMetadata(name(STREAM))).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> append(STREAM, StreamState.noStream(), event()))
                .isInstanceOf(StreamDeletedException.class);
    }

    @Test
    void theTombstoneIsInAllWithRevisionMaxAndTheStreamsEventsStay() {
        List<EventData> events = seed(STREAM, 2);

        store.tombstone(name(STREAM), StreamState.any());

        List<RecordedEvent> all = readAll();
        assertThat(recordedIds(all)).containsAll(ids(events));
        RecordedEvent tombstone = all.get(all.size() - 1);
        assertThat(tombstone.stream()).isEqualTo(name(STREAM));
        assertThat(tombstone.type()).isEqualTo(EventType.STREAM_DELETED);
        assertThat(tombstone.revision()).isEqualTo(Long.MAX_VALUE);
        assertThat(tombstone.data()).isEmpty();
    }

    @Test
    void aLinkToATombstonedStreamDoesNotMakeItReadable() {
        seed(STREAM, 1);
        append("links", StreamState.any(), EventData.link(0, name(STREAM)));
        store.tombstone(name(STREAM), StreamState.any());

        assertThat(store.readStreamToList(name("links"), ReadStreamOptions.forwards().resolveLinks(true)))
                .singleElement().satisfies(e -> assertThat(e.event()).isNull());
    }

    @Test
    void aclSurvivesUntilSoftDelete() {
        Acl acl = new Acl(List.of("ops"), List.of("ops", "admin"), null, null, null);
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withAcl(acl));
        seed(STREAM, 1);

        assertThat(store.getStreamMetadata(name(STREAM)).metadata().acl()).isEqualTo(acl);
        store.delete(name(STREAM), StreamState.any());
        assertThat(store.getStreamMetadata(name(STREAM)).metadata().acl()).isNull();
    }
}
