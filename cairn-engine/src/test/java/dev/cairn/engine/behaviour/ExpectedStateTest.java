package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendResult;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventData;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The expected-state check of appends, soft deletes and tombstones against every state a stream can
 * be in (semantics.md sections 1-3, and KurrentDB's {@code IndexWriter.CheckCommit}, which both use:
 * {@code stream_exists} is satisfied by a stream that has only metadata, and fails with StreamDeleted
 * on a soft-deleted stream). "existing" and the deleted conditions start from a stream with
 * revisions 0..2 (L = 2); "metadata_only" has metadata and no events.
 *
 * <p>Outcome column: a number is a successful append with that last revision; {@code ok} a
 * successful delete; {@code wev N} a WrongExpectedVersionException with actual revision N (-1: no
 * stream); {@code deleted} a StreamDeletedException.
 */
class ExpectedStateTest extends StoreFixture {

    private static final String STREAM = "order-1";

    @ParameterizedTest(name = "append to {0} stream expecting {1} -> {2}")
    @CsvSource({
        "new,           any,           0",
        "new,           no_stream,     0",
        "new,           stream_exists, wev -1",
        "new,           0,             wev -1",
        "new,           5,             wev -1",
        "existing,      any,           3",
        "existing,      no_stream,     wev 2",
        "existing,      stream_exists, 3",
        "existing,      2,             3",
        "existing,      1,             wev 2",
        "existing,      0,             wev 2",
        "existing,      3,             wev 2",
        "existing,      5,             wev 2",
        "soft_deleted,  any,           3",
        "soft_deleted,  no_stream,     3",
        "soft_deleted,  stream_exists, deleted",
        "soft_deleted,  2,             3",
        "soft_deleted,  1,             wev 2",
        "soft_deleted,  3,             wev 2",
        "metadata_only, any,           0",
        "metadata_only, no_stream,     0",
        "metadata_only, stream_exists, 0",
        "metadata_only, 0,             wev -1",
        "tombstoned,    any,           deleted",
        "tombstoned,    no_stream,     deleted",
        "tombstoned,    stream_exists, deleted",
        "tombstoned,    2,             deleted",
        "tombstoned,    5,             deleted",
        "tombstoned_new, any,          deleted",
        "tombstoned_new, no_stream,    deleted",
    })
    void append(String condition, String expectedState, String outcome) {
        prepare(condition);
        StreamState expected = state(expectedState);
        Position headBefore = store.headPosition();
        EventData event = event();

        if (outcome.equals("deleted")) {
            assertThatThrownBy(() -> append(STREAM, expected, event))
                    .isInstanceOf(StreamDeletedException.class);
            assertThat(store.headPosition()).isEqualTo(headBefore);
        } else if (outcome.startsWith("wev")) {
            assertThatThrownBy(() -> append(STREAM, expected, event))
                    .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                        assertThat(e.stream()).isEqualTo(name(STREAM));
                        assertThat(e.expected()).isEqualTo(expected);
                        assertThat(e.actual()).isEqualTo(actual(outcome));
                    });
            assertThat(store.headPosition()).isEqualTo(headBefore);
        } else {
            long revision = Long.parseLong(outcome);
            AppendResult result = append(STREAM, expected, event);
            assertThat(result.nextExpectedRevision()).isEqualTo(revision);
            List<RecordedEvent> read = read(STREAM);
            RecordedEvent last = read.get(read.size() - 1);
            assertThat(last.id()).isEqualTo(event.id());
            assertThat(last.revision()).isEqualTo(revision);
            assertThat(result.position()).isEqualTo(last.position());
            if (condition.equals("soft_deleted")) {
                assertThat(read).as("events before the soft delete stay hidden").hasSize(1);
            }
        }
    }

    @ParameterizedTest(name = "{1} of {0} stream expecting {2} -> {3}")
    @CsvSource({
        "new,           delete,    any,           wev -1",
        "new,           delete,    no_stream,     wev -1",
        "new,           delete,    stream_exists, wev -1",
        "new,           delete,    0,             wev -1",
        "existing,      delete,    any,           ok",
        "existing,      delete,    no_stream,     wev 2",
        "existing,      delete,    stream_exists, ok",
        "existing,      delete,    2,             ok",
        "existing,      delete,    1,             wev 2",
        "existing,      delete,    3,             wev 2",
        "metadata_only, delete,    any,           ok",
        "metadata_only, delete,    no_stream,     ok",
        "metadata_only, delete,    stream_exists, ok",
        "soft_deleted,  delete,    stream_exists, deleted",
        "soft_deleted,  delete,    no_stream,     ok",
        "soft_deleted,  delete,    1,             wev 2",
        "tombstoned,    delete,    any,           deleted",
        "tombstoned,    delete,    no_stream,     deleted",
        "tombstoned,    delete,    2,             deleted",
        "new,           tombstone, any,           ok",
        "new,           tombstone, no_stream,     ok",
        "new,           tombstone, stream_exists, wev -1",
        "new,           tombstone, 0,             wev -1",
        "existing,      tombstone, any,           ok",
        "existing,      tombstone, no_stream,     wev 2",
        "existing,      tombstone, stream_exists, ok",
        "existing,      tombstone, 2,             ok",
        "existing,      tombstone, 1,             wev 2",
        "soft_deleted,  tombstone, any,           ok",
        "soft_deleted,  tombstone, no_stream,     ok",
        "soft_deleted,  tombstone, stream_exists, deleted",
        "metadata_only, tombstone, stream_exists, ok",
        "metadata_only, tombstone, no_stream,     ok",
        "tombstoned,    tombstone, any,           deleted",
        "tombstoned,    tombstone, no_stream,     deleted",
        "tombstoned,    tombstone, 2,             deleted",
        "tombstoned_new, tombstone, any,          deleted",
    })
    void deleteOrTombstone(String condition, String operation, String expectedState, String outcome) {
        prepare(condition);
        StreamState expected = state(expectedState);
        boolean tombstone = operation.equals("tombstone");
        Position headBefore = store.headPosition();
        Runnable call = () -> {
            if (tombstone) {
                store.tombstone(name(STREAM), expected);
            } else {
                store.delete(name(STREAM), expected);
            }
        };

        if (outcome.equals("deleted")) {
            assertThatThrownBy(call::run).isInstanceOf(StreamDeletedException.class);
            assertThat(store.headPosition()).isEqualTo(headBefore);
        } else if (outcome.startsWith("wev")) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                assertThat(e.expected()).isEqualTo(expected);
                assertThat(e.actual()).isEqualTo(actual(outcome));
            });
            assertThat(store.headPosition()).isEqualTo(headBefore);
        } else {
            DeleteResult result = tombstone ? store.tombstone(name(STREAM), expected)
                    : store.delete(name(STREAM), expected);
            List<RecordedEvent> all = readAll();
            RecordedEvent marker = all.get(all.size() - 1);
            assertThat(result.position()).isEqualTo(marker.position());
            if (tombstone) {
                assertThat(marker.stream()).isEqualTo(name(STREAM));
                assertThat(marker.revision()).isEqualTo(Long.MAX_VALUE);
                assertThatThrownBy(() -> read(STREAM)).isInstanceOf(StreamDeletedException.class);
            } else {
                assertThat(marker.stream()).isEqualTo(name("$$" + STREAM));
                assertThat(marker.dataAsString()).isEqualTo("{\"$tb\":9223372036854775807}");
                assertThatThrownBy(() -> read(STREAM)).isInstanceOf(StreamNotFoundException.class);
            }
        }
    }

    private void prepare(String condition) {
        switch (condition) {
            case "new" -> { }
            case "existing" -> seed(STREAM, 3);
            case "soft_deleted" -> {
                seed(STREAM, 3);
                store.delete(name(STREAM), StreamState.any());
            }
            case "metadata_only" -> store.setStreamMetadata(name(STREAM), StreamState.any(),
                    StreamMetadata.EMPTY.withCustom("owner", "ops"));
            case "tombstoned" -> {
                seed(STREAM, 3);
                store.tombstone(name(STREAM), StreamState.any());
            }
            case "tombstoned_new" -> store.tombstone(name(STREAM), StreamState.noStream());
            default -> throw new IllegalArgumentException(condition);
        }
    }

    static StreamState state(String text) {
        return switch (text) {
            case "any" -> StreamState.any();
            case "no_stream" -> StreamState.noStream();
            case "stream_exists" -> StreamState.streamExists();
            case "deleted" -> StreamState.deleted();
            case "tombstoned" -> StreamState.tombstoned();
            default -> StreamState.at(Long.parseLong(text));
        };
    }

    private static StreamState actual(String outcome) {
        return StreamState.actual(Long.parseLong(outcome.substring("wev ".length())));
    }
}
