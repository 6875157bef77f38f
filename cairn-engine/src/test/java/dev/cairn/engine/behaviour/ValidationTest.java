package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.Position;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that break a rule fail before anything is written: names, reserved event types, and the
 * event and append size limits (semantics.md sections 6 and 10). Sizes count as KurrentDB counts
 * them: data + metadata + 2 x type length, each limit strict.
 */
class ValidationTest extends StoreFixture {

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "$$"})
    void streamNamesThatNameNoStreamAreRejected(String value) {
        assertThatThrownBy(() -> StreamName.of(value)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void allIsNotAnAppendTarget() {
        StreamName all = StreamName.of("$all");
        List<ThrowingCallable> calls = List.of(
                () -> store.append(all, StreamState.any(), List.of(event())),
                () -> store.append(List.of(new AppendRequest(all, StreamState.any(), List.of(event())))),
                () -> store.appendRecords(List.of(new AppendRecord(all, event())), List.of()),
                () -> store.delete(all, StreamState.any()),
                () -> store.tombstone(all, StreamState.any()),
                () -> store.setStreamMetadata(all, StreamState.any(), StreamMetadata.EMPTY.withMaxCount(1L)));
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(InvalidArgumentException.class);
        }
        assertThat(readAll()).isEmpty();
    }

    @ParameterizedTest(name = "{0} to {1}: allowed={2}")
    @CsvSource({
        "$foo,           order-1,   false",
        "$streamDeleted, order-1,   false",
        "$metadata,      order-1,   false",
        "$settings,      order-1,   false",
        "$foo,           $$order-1, false",
        "$foo,           $system,   false",
        "$>,             order-1,   true",
        "$>,             $$order-1, true",
        "$metadata,      $$order-1, true",
        "OrderPlaced,    order-1,   true",
        "OrderPlaced,    $system,   true",
    })
    void reservedEventTypes(String type, String stream, boolean allowed) {
        EventData event = new EventData(UUID.randomUUID(), EventType.of(type), ContentType.JSON,
                "{}".getBytes(StandardCharsets.UTF_8), null);
        List<ThrowingCallable> calls = List.of(
                () -> store.append(name(stream), StreamState.any(), List.of(event(), event)),
                () -> store.append(List.of(new AppendRequest(name("other"), StreamState.any(), List.of(event())),
                        new AppendRequest(name(stream), StreamState.any(), List.of(event)))),
                () -> store.appendRecords(List.of(new AppendRecord(name("other"), event()),
                        new AppendRecord(name(stream), event)), List.of()));

        if (allowed) {
            store.append(name(stream), StreamState.any(), List.of(event));
            assertThat(readAll()).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo(EventType.of(type)));
        } else {
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(InvalidArgumentException.class).hasMessageContaining(type);
            }
            assertThat(readAll()).isEmpty();
        }
    }

    /**
     * An event type longer than a record can hold (64 KiB of UTF-8) is rejected before anything is
     * written, even when KurrentDB's size formula (2 bytes a character) keeps it under the limit.
     */
    @ParameterizedTest(name = "{0} characters of ''{1}''")
    @CsvSource({"65536, a", "22000, €", "21846, €"})
    void anEventTypeTooLongForARecordIsRejectedAndNothingIsWritten(int length, String character) {
        EventData longType = new EventData(UUID.randomUUID(), EventType.of(character.repeat(length)), ContentType.JSON,
                "{}".getBytes(StandardCharsets.UTF_8), null);
        store.close();
        store = Cairn.open(options().maxEventSize(500_000).build());
        Position head = store.headPosition();

        assertThatThrownBy(() -> append("s", StreamState.any(), event(), longType))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store.append(List.of(new AppendRequest(name("m"), StreamState.any(), List.of(event())),
                new AppendRequest(name("s"), StreamState.any(), List.of(longType)))))
                .isInstanceOf(InvalidArgumentException.class);
        append("t", StreamState.any(), event());

        assertThatThrownBy(() -> read("s")).isInstanceOf(StreamNotFoundException.class);
        assertThatThrownBy(() -> read("m")).isInstanceOf(StreamNotFoundException.class);
        assertThat(readAll()).singleElement().satisfies(e -> assertThat(e.stream()).isEqualTo(name("t")));
        assertThat(readAll().get(0).position()).isGreaterThanOrEqualTo(head);
        reopen();
        assertThat(readAll()).hasSize(1);
    }

    @ParameterizedTest(name = "data {0} + metadata {1} + type 2 x {2}: allowed={3}")
    @CsvSource({
        "99998, 0,     T,     true",
        "99999, 0,     T,     false",
        "50000, 49998, T,     true",
        "50000, 49999, T,     false",
        "99990, 0,     Typed, true",
        "99991, 0,     Typed, false",
        "200000, 0,    T,     false",
    })
    void eventSizeLimit(int data, int metadata, String type, boolean allowed) {
        EventData big = new EventData(UUID.randomUUID(), EventType.of(type), ContentType.BINARY, new byte[data],
                new byte[metadata]);

        if (allowed) {
            append("s", StreamState.noStream(), event(), big);
            assertThat(read("s").get(1).data()).hasSize(data);
        } else {
            Position head = store.headPosition();
            for (ThrowingCallable call : List.<ThrowingCallable>of(
                    () -> append("s", StreamState.any(), event(), big),
                    () -> store.append(List.of(new AppendRequest(name("s"), StreamState.any(), List.of(big)))),
                    () -> store.appendRecords(List.of(new AppendRecord(name("s"), event()),
                            new AppendRecord(name("s"), big)), List.of()))) {
                assertThatThrownBy(call).isInstanceOfSatisfying(MaximumAppendEventSizeExceededException.class, e -> {
                    assertThat(e.maxEventSize()).isEqualTo(MAX_EVENT_SIZE);
                    assertThat(e.eventId()).isEqualTo(big.id());
                    assertThat(e.size()).isEqualTo(data + metadata + 2L * type.length());
                    assertThat(e.stream()).isEqualTo(name("s"));
                })
                        .hasMessage("Event with Id: " + big.id() + ", Size: " + (data + metadata + 2L * type.length())
                                + ", exceeds Maximum Append Event Size of " + MAX_EVENT_SIZE + ".");
            }
            assertThat(store.headPosition()).isEqualTo(head);
            assertThatThrownBy(() -> read("s")).isInstanceOf(StreamNotFoundException.class);
        }
    }

    @ParameterizedTest(name = "events of {0} bytes data: allowed={1}")
    @CsvSource({
        "'99998,99998,49998', true",
        "'99998,99998,49999', false",
        "'60000,60000,60000,60000,60000', false",
    })
    void appendSizeLimitSumsOverTheRequest(String sizes, boolean allowed) {
        store.close();
        store = Cairn.open(options().maxAppendSize(250_000).build());
        List<EventData> events = java.util.Arrays.stream(sizes.split(","))
                .map(n -> EventData.binary("T", new byte[Integer.parseInt(n)])).toList();

        if (allowed) {
            append("s", StreamState.noStream(), events);
            assertThat(read("s")).hasSize(events.size());
            return;
        }
        List<AppendRequest> split = IntStream.range(0, events.size())
                .mapToObj(i -> new AppendRequest(name("s-" + i), StreamState.any(), List.of(events.get(i)))).toList();
        List<AppendRecord> records = events.stream().map(e -> new AppendRecord(name("s"), e)).toList();
        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> append("s", StreamState.any(), events),
                () -> store.append(split),
                () -> store.appendRecords(records, List.of()))) {
            assertThatThrownBy(call).isInstanceOfSatisfying(MaximumAppendSizeExceededException.class,
                    e -> assertThat(e.maxAppendSize()).isEqualTo(250_000))
                    .hasMessage("Maximum Append Size of 250000 Exceeded.");
        }
        assertThat(readAll()).isEmpty();
    }

    /**
     * A segment must hold at least one event: below 256 KiB none fits, since a segment also holds
     * its header and room for a batch's framing. Such options are refused by name when built,
     * rather than with a negative largest event size.
     */
    @Test
    void aSegmentTooSmallForAnyEventIsRefused() {
        assertThatThrownBy(() -> CairnOptions.builder(dir).segmentSize(128L << 10).maxEventSize(1).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("segment size must be a multiple of 4096 between 256 KiB and 1 GiB, was 131072");
        assertThat(CairnOptions.largestEventFitting(CairnOptions.MIN_SEGMENT_SIZE))
                .as("the smallest segment holds an event").isPositive();
    }

    @Test
    void anIdempotencyWindowOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> CairnOptions.builder(dir).idempotencyWindow(0).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("idempotency window must be between 1 and 67108864 events, was 0");
        assertThatThrownBy(() -> CairnOptions.builder(dir).idempotencyWindow(CairnOptions.MAX_IDEMPOTENCY_WINDOW + 1)
                .build()).isInstanceOf(InvalidArgumentException.class);
    }
}
