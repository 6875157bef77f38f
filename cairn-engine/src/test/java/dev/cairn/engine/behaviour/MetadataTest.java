package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.Acl;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stream metadata: round trips, and retention ({@code $maxCount}, {@code $tb}, {@code $maxAge})
 * applied on every read (semantics.md section 5).
 */
class MetadataTest extends StoreFixture {

    private static final String STREAM = "order-1";

    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of("counts", StreamMetadata.EMPTY.withMaxCount(7L).withTruncateBefore(2L)),
                Arguments.of("durations", StreamMetadata.EMPTY.withMaxAge(Duration.ofSeconds(90))
                        .withCacheControl(Duration.ofSeconds(30))),
                Arguments.of("acl, one role each", StreamMetadata.EMPTY.withAcl(new Acl(List.of("$all"),
                        List.of("ops"), List.of("$admins"), List.of("ops"), List.of("$admins")))),
                Arguments.of("acl, several roles", StreamMetadata.EMPTY.withAcl(new Acl(List.of("a", "b"), null,
                        null, List.of("c", "d", "e"), null))),
                Arguments.of("custom keys", StreamMetadata.EMPTY.withCustom("owner", "ops").withCustom("priority", 3)
                        .withCustom("archived", false).withCustom("tags", List.of("x", "y"))
                        .withCustom("nested", Map.of("k", "v"))),
                Arguments.of("everything", StreamMetadata.EMPTY.withMaxCount(1L).withMaxAge(Duration.ofDays(1))
                        .withTruncateBefore(0L).withCacheControl(Duration.ofSeconds(1))
                        .withAcl(new Acl(null, List.of("w"), null, null, null)).withCustom("k", "v")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roundTrips")
    void metadataRoundTripsAcrossARestart(String what, StreamMetadata metadata) {
        AppendResult result = store.setStreamMetadata(name(STREAM), StreamState.noStream(), metadata);

        assertThat(result.nextExpectedRevision()).isZero();
        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), metadata, 0));
        reopen();
        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), metadata, 0));
    }

    @Test
    void withoutMetadataTheResultIsEmptyWithRevisionMinusOne() {
        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), StreamMetadata.EMPTY, -1));
        seed(STREAM, 2);
        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), StreamMetadata.EMPTY, -1));
    }

    @Test
    void setMetadataChecksTheMetastreamsExpectedState() {
        store.setStreamMetadata(name(STREAM), StreamState.noStream(), StreamMetadata.EMPTY.withMaxCount(1L));
        store.setStreamMetadata(name(STREAM), StreamState.at(0), StreamMetadata.EMPTY.withMaxCount(2L));

        assertThatThrownBy(() -> store.setStreamMetadata(name(STREAM), StreamState.at(0),
                StreamMetadata.EMPTY.withMaxCount(3L)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class,
                        e -> assertThat(e.actual()).isEqualTo(StreamState.at(1)));
        assertThatThrownBy(() -> store.setStreamMetadata(name(STREAM), StreamState.noStream(),
                StreamMetadata.EMPTY.withMaxCount(3L))).isInstanceOf(WrongExpectedVersionException.class);
        assertThat(store.getStreamMetadata(name(STREAM)))
                .isEqualTo(new StreamMetadataResult(name(STREAM), StreamMetadata.EMPTY.withMaxCount(2L), 1));
    }

    @Test
    void theMetastreamReadsOnlyItsLastEvent() {
        for (long i = 1; i <= 3; i++) {
            store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(i));
        }

        assertThat(revisions(read("$$" + STREAM))).containsExactly(2L);
        assertThat(revisions(readBackwards("$$" + STREAM))).containsExactly(2L);
        assertThat(read("$$" + STREAM, ReadStreamOptions.forwards().fromRevision(0))).hasSize(1);
        assertThat(read("$$" + STREAM).get(0).dataAsString()).isEqualTo("{\"$maxCount\":3}");
    }

    // ---- retention ----

    /** Ten events 0..9, then metadata; the table gives what each read returns. */
    @ParameterizedTest(name = "{0}: {1} from {2} max {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
        "maxCount=3 | forwards  | start | all | 7 8 9",
        "maxCount=3 | backwards | end   | all | 9 8 7",
        "maxCount=3 | forwards  | 2     | 2   | 7 8",
        "maxCount=3 | forwards  | 8     | all | 8 9",
        "maxCount=3 | backwards | 8     | all | 8 7",
        "maxCount=3 | backwards | 5     | all | ''",
        "maxCount=3 | forwards  | 20    | all | ''",
        "tb=4       | forwards  | start | all | 4 5 6 7 8 9",
        "tb=4       | backwards | end   | 3   | 9 8 7",
        "tb=4       | backwards | 6     | all | 6 5 4",
        "tb=4       | forwards  | 0     | 2   | 4 5",
        "tb=10      | forwards  | start | all | ''",
        "tb=10      | backwards | end   | all | ''",
        "tb=4,maxCount=3 | forwards | start | all | 7 8 9",
        "tb=8,maxCount=5 | backwards | end  | all | 9 8",
        "maxCount=20 | forwards | start | all | 0 1 2 3 4 5 6 7 8 9",
    })
    void countRetentionAppliesToReadsInBothDirections(String metadata, String direction, String from, String max,
            String expected) {
        seed(STREAM, 10);
        StreamMetadata meta = StreamMetadata.EMPTY;
        for (String setting : metadata.split(",")) {
            String[] kv = setting.split("=");
            long value = Long.parseLong(kv[1]);
            meta = kv[0].equals("tb") ? meta.withTruncateBefore(value) : meta.withMaxCount(value);
        }
        store.setStreamMetadata(name(STREAM), StreamState.any(), meta);

        ReadStreamOptions options = direction.equals("forwards") ? ReadStreamOptions.forwards()
                : ReadStreamOptions.backwards();
        if (!from.equals("start") && !from.equals("end")) {
            options = options.fromRevision(Long.parseLong(from));
        }
        if (!max.equals("all")) {
            options = options.maxCount(Long.parseLong(max));
        }

        List<Long> want = expected.isEmpty() ? List.of()
                : Stream.of(expected.split(" ")).map(Long::valueOf).toList();
        assertThat(revisions(read(STREAM, options))).isEqualTo(want);
    }

    @Test
    void maxAgeHidesEventsOlderThanItInBothDirections() {
        seed(STREAM, 3);
        clock.advance(Duration.ofSeconds(100));
        append(STREAM, StreamState.any(), events(2));
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withMaxAge(Duration.ofSeconds(50)));

        assertThat(revisions(read(STREAM))).containsExactly(3L, 4L);
        assertThat(revisions(readBackwards(STREAM))).containsExactly(4L, 3L);
        assertThat(revisions(read(STREAM, ReadStreamOptions.backwards().fromRevision(2)))).isEmpty();

        clock.advance(Duration.ofSeconds(49));
        assertThat(revisions(read(STREAM))).containsExactly(3L, 4L);
        clock.advance(Duration.ofSeconds(2));
        assertThat(read(STREAM)).as("everything too old: an empty read, not stream not found").isEmpty();
        assertThat(readBackwards(STREAM)).isEmpty();
        assertThat(readAll().stream().filter(e -> e.stream().equals(name(STREAM)))).hasSize(5);
    }

    @ParameterizedTest(name = "age {0} s + {1} us with $maxAge 60 s: visible={2}")
    @CsvSource({"59, 0, true", "60, 0, true", "60, 1, false", "3600, 0, false"})
    void maxAgeBoundary(long seconds, long micros, boolean visible) {
        seed(STREAM, 1);
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withMaxAge(Duration.ofSeconds(60)));

        clock.advance(Duration.ofSeconds(seconds).plusNanos(micros * 1000));

        assertThat(read(STREAM)).as("an event exactly $maxAge old is kept, as KurrentDB drops only older ones")
                .hasSize(visible ? 1 : 0);
        assertThat(readBackwards(STREAM)).hasSize(visible ? 1 : 0);
    }

    @Test
    void maxAgeAndMaxCountCombine() {
        seed(STREAM, 4);
        clock.advance(Duration.ofSeconds(100));
        append(STREAM, StreamState.any(), events(3));
        store.setStreamMetadata(name(STREAM), StreamState.any(),
                StreamMetadata.EMPTY.withMaxAge(Duration.ofSeconds(50)).withMaxCount(5L));

        assertThat(revisions(read(STREAM))).containsExactly(4L, 5L, 6L);
        store.setStreamMetadata(name(STREAM), StreamState.any(),
                StreamMetadata.EMPTY.withMaxAge(Duration.ofSeconds(500)).withMaxCount(2L));
        assertThat(revisions(readBackwards(STREAM))).containsExactly(6L, 5L);
    }

    @Test
    void retentionAppliesToLaterAppendsAndSurvivesARestart() {
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(2L));
        seed(STREAM, 5);
        reopen();
        append(STREAM, StreamState.at(4), event());

        assertThat(revisions(read(STREAM))).containsExactly(4L, 5L);
    }

    // ---- metadata written as raw events, as the official clients do ----

    @Test
    void aMetadataEventAppendedToTheMetastreamIsTheStreamsMetadata() {
        seed(STREAM, 5);

        append("$$" + STREAM, StreamState.any(), new EventData(UUID.randomUUID(), EventType.METADATA,
                ContentType.JSON, "{\"$maxCount\":2,\"custom\":\"v\"}".getBytes(StandardCharsets.UTF_8), null));

        assertThat(store.getStreamMetadata(name(STREAM)).metadata())
                .isEqualTo(StreamMetadata.EMPTY.withMaxCount(2L).withCustom("custom", "v"));
        assertThat(revisions(read(STREAM))).containsExactly(3L, 4L);
    }

    @Test
    void theLastJsonEventOfTheMetastreamCountsWhateverItsType() {
        seed(STREAM, 5);

        append("$$" + STREAM, StreamState.any(), EventData.json("SomethingElse", "{\"$maxCount\":1}"));

        assertThat(store.getStreamMetadata(name(STREAM)).metadata()).isEqualTo(StreamMetadata.EMPTY.withMaxCount(1L));
        assertThat(revisions(read(STREAM))).containsExactly(4L);
        append("$$" + STREAM, StreamState.any(), EventData.json("SomethingElse", ""));
        assertThat(store.getStreamMetadata(name(STREAM)).metadata()).as("empty data: no metadata")
                .isEqualTo(StreamMetadata.EMPTY);
        assertThat(read(STREAM)).hasSize(5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key inside $acl | {\"$maxCount\":2,\"$acl\":{\"$x\":\"a\"}}  | true",
        "$maxCount of wrong type | {\"$maxCount\":\"2\"}                    | true",
        "not an object           | [1,2]                                   | true",
        "not JSON at all         | {{{                                     | true",
        "binary content type     | {\"$maxCount\":2}                         | false",
    })
    void malformedMetadataReadsAsEmpty(String what, String body, boolean json) {
        seed(STREAM, 5);

        append("$$" + STREAM, StreamState.any(), new EventData(UUID.randomUUID(), EventType.METADATA,
                json ? ContentType.JSON : ContentType.BINARY, body.getBytes(StandardCharsets.UTF_8), null));

        assertThat(store.getStreamMetadata(name(STREAM)).metadata()).isEqualTo(StreamMetadata.EMPTY);
        assertThat(read(STREAM)).hasSize(5);
    }

    @Test
    void nonPositiveValuesReadAsUnsetAndUnknownSystemKeysAreSkipped() {
        seed(STREAM, 5);

        append("$$" + STREAM, StreamState.any(), new EventData(UUID.randomUUID(), EventType.METADATA,
                ContentType.JSON, "{\"$maxCount\":0,\"$maxAge\":-5,\"$tb\":-1,\"$future\":1}"
                        .getBytes(StandardCharsets.UTF_8), null));

        assertThat(store.getStreamMetadata(name(STREAM)).metadata()).isEqualTo(StreamMetadata.EMPTY);
        assertThat(read(STREAM)).hasSize(5);
    }

    @Test
    void aTruncatedStreamStillKnowsItsLastRevisionForAppends() {
        seed(STREAM, 3);
        store.setStreamMetadata(name(STREAM), StreamState.any(), StreamMetadata.EMPTY.withTruncateBefore(100L));

        assertThat(read(STREAM)).isEmpty();
        assertThatThrownBy(() -> append(STREAM, StreamState.noStream(), event()))
                .isInstanceOf(WrongExpectedVersionException.class);
        assertThat(append(STREAM, StreamState.at(2), event()).nextExpectedRevision()).isEqualTo(3);
        List<RecordedEvent> read = read(STREAM);
        assertThat(read).isEmpty();
    }
}
