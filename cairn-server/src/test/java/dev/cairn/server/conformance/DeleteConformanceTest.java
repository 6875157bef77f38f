package dev.cairn.server.conformance;

import static dev.cairn.api.StreamState.any;
import static dev.cairn.api.StreamState.at;
import static dev.cairn.api.StreamState.noStream;
import static dev.cairn.api.StreamState.streamExists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.server.conformance.Face.Read;
import java.util.List;

/** Soft delete and tombstone: what reads, appends and metadata see afterwards. */
class DeleteConformanceTest extends ConformanceFixture {

    /** The record of {@code $all} at a position. */
    private static Face.Event recordAt(Face face, Position position) {
        List<Read> read = face.readAll(ReadAllOptions.forwards().fromPosition(position).maxCount(1));
        assertThat(read).hasSize(1);
        assertThat(read.get(0).position()).isEqualTo(position);
        return read.get(0).event();
    }

    @Scenario
    void aSoftDeletedStreamIsNotFoundAndAppendsContinueItsRevisions(Face face) {
        String s = stream("soft");
        Position last = face.append(s, noStream(), events("A", "B")).position();
        Position deleted = face.delete(s, at(1));
        assertThat(deleted).isGreaterThan(last);

        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.backwards())))
                .isEqualTo(new Failure.StreamNotFound(s));
        // the delete is a $metadata event in the metadata stream that truncates everything
        Face.Event marker = recordAt(face, deleted);
        assertThat(marker.stream()).isEqualTo("$$" + s);
        assertThat(marker.type()).isEqualTo("$metadata");
        assertThat(face.getMetadata(s)).isEqualTo(StreamMetadata.EMPTY.withTruncateBefore(Long.MAX_VALUE));

        assertThat(face.append(s, any(), events("C")).revision()).isEqualTo(2);
        assertThat(face.readStream(s, ReadStreamOptions.forwards())).extracting(r -> r.event().ref())
                .containsExactly("2@" + s);
    }

    @Scenario
    void aSoftDeleteChecksTheExpectedState(Face face) {
        String s = stream("soft-wev");
        face.append(s, noStream(), events("A", "B"));
        assertThat(failure(() -> face.delete(s, at(0)))).isEqualTo(wrongExpectedVersion(s, at(0), at(1)));
        assertThat(failure(() -> face.delete(s, noStream()))).isEqualTo(wrongExpectedVersion(s, noStream(), at(1)));
        assertThat(face.readStream(s, ReadStreamOptions.forwards())).hasSize(2);
    }

    @Scenario
    void aStreamThatNeverExistedCannotBeSoftDeleted(Face face) {
        // KurrentDB answers wrong expected version for every expected state, any included
        String s = stream("soft-missing");
        assertThat(failure(() -> face.delete(s, any()))).isEqualTo(wrongExpectedVersion(s, any(), noStream()));
        assertThat(failure(() -> face.delete(s, noStream())))
                .isEqualTo(wrongExpectedVersion(s, noStream(), noStream()));
    }

    @Scenario
    void appendsToASoftDeletedStreamByExpectedState(Face face) {
        String noStream = stream("soft-no-stream");
        String exact = stream("soft-exact");
        String exists = stream("soft-exists");
        String wrong = stream("soft-wrong");
        for (String s : List.of(noStream, exact, exists, wrong)) {
            face.append(s, any(), events("A", "B"));
            face.delete(s, any());
        }
        assertThat(face.append(noStream, noStream(), events("C")).revision()).isEqualTo(2);
        assertThat(face.append(exact, at(1), events("C")).revision()).isEqualTo(2);
        assertThat(failure(() -> face.append(exists, streamExists(), events("C"))))
                .isEqualTo(new Failure.StreamDeleted(exists));
        assertThat(failure(() -> face.append(wrong, at(0), events("C"))))
                .isEqualTo(wrongExpectedVersion(wrong, at(0), at(1)));
    }

    @Scenario
    void aTombstonedStreamCanNeitherBeReadNorWrittenNorDeletedAgain(Face face) {
        String s = stream("tombstone");
        Position last = face.append(s, noStream(), events("A")).position();
        Position tombstone = face.tombstone(s, streamExists());
        assertThat(tombstone).isGreaterThan(last);

        Face.Event marker = recordAt(face, tombstone);
        assertThat(marker.stream()).isEqualTo(s);
        assertThat(marker.type()).isEqualTo("$streamDeleted");
        assertThat(marker.revision()).isEqualTo(Long.MAX_VALUE);

        Failure deleted = new Failure.StreamDeleted(s);
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards()))).isEqualTo(deleted);
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.backwards()))).isEqualTo(deleted);
        assertThat(failure(() -> face.append(s, any(), events("B")))).isEqualTo(deleted);
        assertThat(failure(() -> face.append(s, noStream(), events("B")))).isEqualTo(deleted);
        assertThat(failure(() -> face.tombstone(s, any()))).isEqualTo(deleted);
        assertThat(failure(() -> face.delete(s, any()))).isEqualTo(deleted);
        // metadata is read from and written to the metadata stream, which is deleted with the stream
        assertThat(failure(() -> face.getMetadata(s))).isEqualTo(new Failure.StreamDeleted("$$" + s));
        assertThat(failure(() -> face.setMetadata(s, any(), StreamMetadata.EMPTY.withMaxCount(1L))))
                .isEqualTo(new Failure.StreamDeleted("$$" + s));
    }

    @Scenario
    void aStreamThatNeverExistedCanBeTombstonedUnlessItMustExist(Face face) {
        String s = stream("tombstone-missing");
        String n = stream("tombstone-missing-no-stream");
        String e = stream("tombstone-missing-exists");
        face.tombstone(s, any());
        face.tombstone(n, noStream());
        assertThat(failure(() -> face.tombstone(e, streamExists())))
                .isEqualTo(wrongExpectedVersion(e, streamExists(), noStream()));
        assertThat(failure(() -> face.readStream(s, ReadStreamOptions.forwards())))
                .isEqualTo(new Failure.StreamDeleted(s));
    }

    @Scenario
    void aTombstoneChecksTheExpectedState(Face face) {
        String s = stream("tombstone-wev");
        face.append(s, noStream(), events("A", "B"));
        assertThat(failure(() -> face.tombstone(s, at(0)))).isEqualTo(wrongExpectedVersion(s, at(0), at(1)));
        assertThat(face.readStream(s, ReadStreamOptions.forwards())).hasSize(2);
    }
}
