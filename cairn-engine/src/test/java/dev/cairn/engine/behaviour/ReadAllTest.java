package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventFilter;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads of the global log {@code $all} (semantics.md section 8): both directions, from a position
 * (forwards inclusive, backwards exclusive), counts, filters; deleted streams' events and metadata
 * events included.
 */
class ReadAllTest extends StoreFixture {

    /** What the fixture wrote, in log order. */
    private List<RecordedEvent> written;

    @BeforeEach
    void writeAMixOfStreams() {
        append("order-1", StreamState.noStream(), event("OrderPlaced"), event("OrderPaid"));
        append("customer-1", StreamState.noStream(), event("CustomerJoined"));
        store.setStreamMetadata(name("order-1"), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(5L));
        append("order-2", StreamState.noStream(), event("OrderPlaced"));
        store.delete(name("order-2"), StreamState.any());
        append("customer-2", StreamState.noStream(), event("CustomerJoined"));
        store.tombstone(name("customer-2"), StreamState.any());
        append("order-1", StreamState.any(), event("OrderShipped"));
        written = readAll();
    }

    @Test
    void eachEventReadFromTheLogIsCountedOnce() {
        var embedded = (dev.cairn.engine.streams.EmbeddedEventStore) store;
        long before = embedded.eventsRead();
        assertThat(readAll()).hasSize(written.size());
        assertThat(embedded.eventsRead() - before).as("a whole read").isEqualTo(written.size());

        before = embedded.eventsRead();
        assertThat(readAll(ReadAllOptions.backwards().maxCount(3))).hasSize(3);
        assertThat(embedded.eventsRead() - before).as("a read that stops at its count").isEqualTo(3);

        before = embedded.eventsRead();
        try (var it = store.readAll(ReadAllOptions.forwards())) {
            it.next();
            it.next();
        }
        assertThat(embedded.eventsRead() - before).as("a read closed early").isEqualTo(2);
        assertThat(embedded.eventBytesRead()).isPositive();
    }

    @Test
    void allHoldsEveryRecordIncludingMetadataAndDeletedStreams() {
        assertThat(written).extracting(e -> e.stream().value() + ":" + e.type().value()).containsExactly(
                "order-1:OrderPlaced", "order-1:OrderPaid", "customer-1:CustomerJoined", "$$order-1:$metadata",
                "order-2:OrderPlaced", "$$order-2:$metadata", "customer-2:CustomerJoined",
                "customer-2:$streamDeleted", "order-1:OrderShipped");
        for (int i = 1; i < written.size(); i++) {
            assertThat(written.get(i).position()).isGreaterThan(written.get(i - 1).position());
            assertThat(written.get(i).position().commit()).isEqualTo(written.get(i).position().prepare());
        }
    }

    @Test
    void backwardsIsForwardsReversed() {
        List<RecordedEvent> reversed = new ArrayList<>(written);
        Collections.reverse(reversed);

        assertThat(readAll(ReadAllOptions.backwards())).containsExactlyElementsOf(reversed);
        assertThat(readAll(ReadAllOptions.backwards().fromPosition(Position.END))).containsExactlyElementsOf(reversed);
    }

    @ParameterizedTest(name = "from event {0}")
    @ValueSource(ints = {0, 1, 4, 8})
    void forwardsFromAPositionIncludesTheEventThere(int index) {
        Position from = written.get(index).position();

        assertThat(readAll(ReadAllOptions.forwards().fromPosition(from)))
                .containsExactlyElementsOf(written.subList(index, written.size()));
    }

    @ParameterizedTest(name = "from event {0}")
    @ValueSource(ints = {0, 1, 4, 8})
    void backwardsFromAPositionExcludesTheEventThere(int index) {
        Position from = written.get(index).position();
        List<RecordedEvent> expected = new ArrayList<>(written.subList(0, index));
        Collections.reverse(expected);

        assertThat(readAll(ReadAllOptions.backwards().fromPosition(from))).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "inside event {0}")
    @ValueSource(ints = {0, 3, 8})
    void aPositionInsideARecordReadsFromTheRecordBoundaryAroundIt(int index) {
        // clients send any position they like; one inside a record is not data loss
        long inside = written.get(index).position().prepare() + 1;
        Position from = Position.of(inside, inside);
        List<RecordedEvent> before = new ArrayList<>(written.subList(0, index + 1));
        Collections.reverse(before);

        assertThat(readAll(ReadAllOptions.backwards().fromPosition(from))).containsExactlyElementsOf(before);
        assertThat(readAll(ReadAllOptions.forwards().fromPosition(from)))
                .containsExactlyElementsOf(written.subList(index + 1, written.size()));
    }

    @Test
    void fromTheHeadForwardsIsEmptyAndBackwardsIsEverything() {
        Position head = store.headPosition();

        assertThat(readAll(ReadAllOptions.forwards().fromPosition(head))).isEmpty();
        assertThat(readAll(ReadAllOptions.forwards().fromPosition(Position.END))).isEmpty();
        assertThat(readAll(ReadAllOptions.backwards().fromPosition(head))).hasSize(written.size());
        assertThat(readAll(ReadAllOptions.forwards().fromPosition(Position.START))).hasSize(written.size());
    }

    @Test
    void maxCountLimitsBothDirections() {
        assertThat(readAll(ReadAllOptions.forwards().maxCount(3))).containsExactlyElementsOf(written.subList(0, 3));
        assertThat(readAll(ReadAllOptions.backwards().maxCount(2)))
                .containsExactly(written.get(8), written.get(7));
        assertThat(readAll(ReadAllOptions.forwards().fromPosition(written.get(7).position()).maxCount(5)))
                .hasSize(2);
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("stream prefix", EventFilter.streamNamePrefix("order-"),
                        List.of(0, 1, 4, 8)),
                Arguments.of("two stream prefixes", EventFilter.streamNamePrefix("order-2", "customer-"),
                        List.of(2, 4, 6, 7)),
                Arguments.of("metadata streams by prefix", EventFilter.streamNamePrefix("$$"),
                        List.of(3, 5)),
                Arguments.of("event type prefix", EventFilter.eventTypePrefix("Order"),
                        List.of(0, 1, 4, 8)),
                Arguments.of("system event types", EventFilter.eventTypePrefix("$"),
                        List.of(3, 5, 7)),
                Arguments.of("stream regex", EventFilter.streamNameRegex("^customer-\\d+$"),
                        List.of(2, 6, 7)),
                Arguments.of("stream regex finds anywhere", EventFilter.streamNameRegex("der-2"),
                        List.of(4, 5)),
                Arguments.of("event type regex", EventFilter.eventTypeRegex("Placed|Shipped"),
                        List.of(0, 4, 8)),
                Arguments.of("exclude system events", EventFilter.excludeSystemEvents(),
                        List.of(0, 1, 2, 4, 6, 8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void filtersSelectRecordsInBothDirections(String what, EventFilter filter, List<Integer> indexes) {
        List<RecordedEvent> expected = indexes.stream().map(written::get).toList();
        List<RecordedEvent> backwards = new ArrayList<>(expected);
        Collections.reverse(backwards);

        assertThat(readAll(ReadAllOptions.forwards().filter(filter))).containsExactlyElementsOf(expected);
        assertThat(readAll(ReadAllOptions.backwards().filter(filter))).containsExactlyElementsOf(backwards);
        assertThat(readAll(ReadAllOptions.forwards().filter(filter).maxCount(2)))
                .containsExactlyElementsOf(expected.subList(0, 2));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"(", "[a-", "a{2,1}", "(?<name>x)\\k<name>", "x**"})
    void anInvalidRegexIsRejected(String regex) {
        assertThatThrownBy(() -> readAll(ReadAllOptions.forwards().filter(EventFilter.streamNameRegex(regex))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> readAll(ReadAllOptions.backwards().filter(EventFilter.eventTypeRegex(regex))))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void aReadSeesOnlyWhatWasCommittedWhenItBegan() {
        var iterator = store.readAll(ReadAllOptions.forwards());
        append("late", StreamState.any(), event());

        assertThat(events(drain(iterator))).containsExactlyElementsOf(written);
        assertThat(readAll()).hasSize(written.size() + 1);
    }

    @Test
    void readingAllAsAStreamIsRejected() {
        assertThatThrownBy(() -> store.readStreamToList(StreamName.of("$all"),
                dev.cairn.api.ReadStreamOptions.forwards())).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void theTombstoneRecordIsTypedStreamDeleted() {
        assertThat(written.get(7).type()).isEqualTo(EventType.STREAM_DELETED);
        assertThat(written.get(7).revision()).isEqualTo(Long.MAX_VALUE);
    }

    private static List<dev.cairn.api.ResolvedEvent> drain(dev.cairn.api.EventIterator iterator) {
        return iterator.toList();
    }
}
