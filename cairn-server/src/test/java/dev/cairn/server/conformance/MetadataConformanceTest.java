package dev.cairn.server.conformance;

import static dev.cairn.api.StreamState.any;
import static dev.cairn.api.StreamState.at;
import static dev.cairn.api.StreamState.noStream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.server.conformance.Face.Read;
import java.time.Duration;
import java.util.List;

/** Stream metadata: set and get, the metadata stream's expected state, retention on reads. */
class MetadataConformanceTest extends ConformanceFixture {

    private static List<Long> revisions(List<Read> reads) {
        return reads.stream().map(r -> r.event().revision()).toList();
    }

    @Scenario
    void aStreamWithoutMetadataHasEmptyMetadata(Face face) {
        String s = stream("meta-none");
        assertThat(face.getMetadata(s)).isEqualTo(StreamMetadata.EMPTY);
        face.append(s, noStream(), events("A"));
        assertThat(face.getMetadata(s)).isEqualTo(StreamMetadata.EMPTY);
    }

    @Scenario
    void metadataReadsBackAsSetAndTheLastSettingWins(Face face) {
        String s = stream("meta");
        StreamMetadata first = StreamMetadata.EMPTY.withMaxCount(2L).withCustom("owner", "team-a");
        assertThat(face.setMetadata(s, any(), first).revision()).isZero();
        assertThat(face.getMetadata(s)).isEqualTo(first);

        StreamMetadata second = StreamMetadata.EMPTY.withMaxAge(Duration.ofHours(1)).withTruncateBefore(3L)
                .withCacheControl(Duration.ofSeconds(30)).withCustom("owner", "team-b").withCustom("audited", true);
        assertThat(face.setMetadata(s, any(), second).revision()).isEqualTo(1);
        assertThat(face.getMetadata(s)).isEqualTo(second);
    }

    @Scenario
    void settingMetadataChecksTheMetadataStreamsExpectedState(Face face) {
        String s = stream("meta-wev");
        StreamMetadata metadata = StreamMetadata.EMPTY.withMaxCount(5L);
        face.setMetadata(s, noStream(), metadata);
        assertThat(failure(() -> face.setMetadata(s, noStream(), metadata)))
                .isEqualTo(wrongExpectedVersion("$$" + s, noStream(), at(0)));
        assertThat(failure(() -> face.setMetadata(s, at(3), metadata)))
                .isEqualTo(wrongExpectedVersion("$$" + s, at(3), at(0)));
        assertThat(face.setMetadata(s, at(0), metadata.withMaxCount(6L)).revision()).isEqualTo(1);
        assertThat(face.getMetadata(s).maxCount()).isEqualTo(6L);
    }

    @Scenario
    void maxCountKeepsTheLatestEventsInBothDirections(Face face) {
        String s = stream("max-count");
        face.append(s, noStream(), events("A", "B", "C", "D"));
        face.setMetadata(s, any(), StreamMetadata.EMPTY.withMaxCount(2L));

        assertThat(revisions(face.readStream(s, ReadStreamOptions.forwards()))).containsExactly(2L, 3L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards()))).containsExactly(3L, 2L);
        // a limit applies to later appends too
        face.append(s, any(), events("E"));
        assertThat(revisions(face.readStream(s, ReadStreamOptions.forwards()))).containsExactly(3L, 4L);
    }

    @Scenario
    void truncateBeforeHidesEarlierRevisionsInBothDirections(Face face) {
        String s = stream("truncate");
        face.append(s, noStream(), events("A", "B", "C", "D", "E"));
        face.setMetadata(s, any(), StreamMetadata.EMPTY.withTruncateBefore(2L));

        assertThat(revisions(face.readStream(s, ReadStreamOptions.forwards()))).containsExactly(2L, 3L, 4L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards()))).containsExactly(4L, 3L, 2L);
        // a read that starts below the first visible revision goes on from there
        assertThat(revisions(face.readStream(s, ReadStreamOptions.forwards().maxCount(1)))).containsExactly(2L);
        assertThat(revisions(face.readStream(s, ReadStreamOptions.backwards().fromRevision(3))))
                .containsExactly(3L, 2L);
    }

    @Scenario
    void aStreamTruncatedPastItsEndReadsEmptyNotMissingAndKeepsItsRevisions(Face face) {
        String s = stream("truncate-all");
        face.append(s, noStream(), events("A", "B"));
        face.setMetadata(s, any(), StreamMetadata.EMPTY.withTruncateBefore(10L));

        assertThat(face.readStream(s, ReadStreamOptions.forwards())).isEmpty();
        assertThat(face.readStream(s, ReadStreamOptions.backwards())).isEmpty();
        assertThat(failure(() -> face.append(s, noStream(), events("C"))))
                .isEqualTo(wrongExpectedVersion(s, noStream(), at(1)));
        assertThat(face.append(s, at(1), events("C")).revision()).isEqualTo(2);
    }
}
