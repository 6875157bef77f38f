package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.Acl;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Soft deletes, tombstones and stream metadata. */
abstract class DeleteAndMetadataContract extends ContractBase {

    @Test
    void aSoftDeletedStreamReadsAsMissingAndContinuesItsRevisionsWhenWrittenAgain() {
        StreamName s = stream("soft");
        append(s, StreamState.noStream(), events(3));
        DeleteResult deleted = store().delete(s, StreamState.at(2));
        assertThat(deleted.position()).isNotNull();

        assertThatThrownBy(() -> read(s)).isInstanceOf(StreamNotFoundException.class);
        assertThat(append(s, StreamState.noStream(), events(2)).nextExpectedRevision()).isEqualTo(4);
        assertThat(revisions(read(s))).containsExactly(3L, 4L);
    }

    @Test
    void aDeleteWithAWrongExpectationIsRefused() {
        StreamName s = stream("softwev");
        append(s, StreamState.noStream(), events(2));
        assertThatThrownBy(() -> store().delete(s, StreamState.at(0)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.stream()).isEqualTo(s);
                    assertThat(e.expected()).isEqualTo(StreamState.at(0));
                    assertThat(e.actual()).isEqualTo(StreamState.at(1));
                });
        assertThat(read(s)).hasSize(2);
    }

    @Test
    void aTombstonedStreamCanNeverBeReadOrWrittenAgain() {
        StreamName s = stream("tomb");
        append(s, StreamState.noStream(), events(2));
        store().tombstone(s, StreamState.any());

        assertThatThrownBy(() -> read(s))
                .isInstanceOfSatisfying(StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo(s));
        assertThatThrownBy(() -> append(s, StreamState.any(), events(1))).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> store().delete(s, StreamState.any())).isInstanceOf(StreamDeletedException.class);
        assertThatThrownBy(() -> store().tombstone(s, StreamState.any())).isInstanceOf(StreamDeletedException.class);
        // metadata lives in the metadata stream, deleted with the stream: the error names it
        assertThatThrownBy(() -> store().getStreamMetadata(s)).isInstanceOfSatisfying(StreamDeletedException.class,
                e -> assertThat(e.stream()).isEqualTo(s.metadataStream()));
        assertThatThrownBy(() -> store().setStreamMetadata(s, StreamState.any(), StreamMetadata.EMPTY.withMaxCount(1L)))
                .isInstanceOfSatisfying(StreamDeletedException.class,
                        e -> assertThat(e.stream()).isEqualTo(s.metadataStream()));
    }

    @Test
    void aStreamThatNeverExistedCanBeTombstonedWithNoStream() {
        StreamName s = stream("tombnew");
        store().tombstone(s, StreamState.noStream());
        assertThatThrownBy(() -> read(s)).isInstanceOf(StreamDeletedException.class);
    }

    @Test
    void aStreamWithoutMetadataHasEmptyMetadataAtRevisionMinusOne() {
        StreamName s = stream("nometa");
        StreamMetadataResult r = store().getStreamMetadata(s);
        assertThat(r.stream()).isEqualTo(s);
        assertThat(r.metadata()).isEqualTo(StreamMetadata.EMPTY);
        assertThat(r.metastreamRevision()).isEqualTo(-1);
    }

    @Test
    void metadataIsStoredAndReadBackWhole() {
        StreamName s = stream("meta");
        StreamMetadata m = StreamMetadata.EMPTY.withMaxCount(10L).withMaxAge(Duration.ofHours(1))
                .withTruncateBefore(2L).withCacheControl(Duration.ofSeconds(30))
                .withAcl(new Acl(List.of("alice"), List.of("alice", "bob"), null, List.of("$admins"), null))
                .withCustom("owner", "team-a").withCustom("tags", List.of("x", "y"))
                .withCustom("nested", Map.of("k", true));
        assertThat(store().setStreamMetadata(s, StreamState.noStream(), m).nextExpectedRevision()).isZero();

        StreamMetadataResult r = store().getStreamMetadata(s);
        assertThat(r.metadata()).isEqualTo(m);
        assertThat(r.metastreamRevision()).isZero();

        StreamMetadata m2 = StreamMetadata.EMPTY.withMaxCount(3L);
        assertThat(store().setStreamMetadata(s, StreamState.at(0), m2).nextExpectedRevision()).isEqualTo(1);
        assertThat(store().getStreamMetadata(s).metadata()).isEqualTo(m2);
        assertThat(store().getStreamMetadata(s).metastreamRevision()).isEqualTo(1);
    }

    @Test
    void settingMetadataWithAWrongExpectationIsRefused() {
        StreamName s = stream("metawev");
        store().setStreamMetadata(s, StreamState.noStream(), StreamMetadata.EMPTY.withMaxCount(5L));
        assertThatThrownBy(() -> store().setStreamMetadata(s, StreamState.noStream(),
                StreamMetadata.EMPTY.withMaxCount(6L)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.stream()).isEqualTo(s.metadataStream());
                    assertThat(e.expected()).isEqualTo(StreamState.noStream());
                    assertThat(e.actual()).isEqualTo(StreamState.at(0));
                });
        assertThat(store().getStreamMetadata(s).metadata().maxCount()).isEqualTo(5L);
    }

    @Test
    void retentionInMetadataAppliesToReadsAtOnce() {
        StreamName s = stream("retain");
        append(s, StreamState.noStream(), events(6));
        store().setStreamMetadata(s, StreamState.any(), StreamMetadata.EMPTY.withMaxCount(2L));
        assertThat(revisions(read(s))).containsExactly(4L, 5L);
        store().setStreamMetadata(s, StreamState.any(), StreamMetadata.EMPTY.withTruncateBefore(3L));
        assertThat(revisions(read(s))).containsExactly(3L, 4L, 5L);
        assertThat(revisions(store().readStreamToList(s, ReadStreamOptions.backwards()).stream()
                .map(e -> e.event()).toList())).containsExactly(5L, 4L, 3L);
    }

    @Test
    void aMetadataStreamHasNoMetadataOfItsOwn() {
        StreamName s = stream("metameta");
        assertThatThrownBy(() -> store().setStreamMetadata(s.metadataStream(), StreamState.any(), StreamMetadata.EMPTY))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("a metadata stream has no metadata of its own: " + s.metadataStream());
        assertThatThrownBy(() -> store().setStreamMetadata(StreamName.of("$all"), StreamState.any(),
                StreamMetadata.EMPTY)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void theMetadataStreamReadsLikeAnyStream() {
        StreamName s = stream("metaread");
        store().setStreamMetadata(s, StreamState.noStream(), StreamMetadata.EMPTY.withCustom("a", 1));
        var events = store().readStreamToList(s.metadataStream(), ReadStreamOptions.forwards());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).event().type().value()).isEqualTo("$metadata");
        assertThat(events.get(0).event().dataAsString()).contains("\"a\":1");
    }
}
