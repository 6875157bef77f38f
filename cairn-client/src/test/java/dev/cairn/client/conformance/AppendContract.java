package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Appends to one stream: expected states, idempotency, what is stored, and the limits. */
abstract class AppendContract extends ContractBase {

    @Test
    void appendsGetConsecutiveRevisionsAndThePositionOfTheirLastEvent() {
        StreamName s = stream("append");
        List<EventData> first = events(3);
        AppendResult r1 = append(s, StreamState.noStream(), first);
        AppendResult r2 = append(s, StreamState.at(2), events(2));

        assertThat(r1.stream()).isEqualTo(s);
        assertThat(r1.nextExpectedRevision()).isEqualTo(2);
        assertThat(r2.nextExpectedRevision()).isEqualTo(4);
        List<RecordedEvent> stored = read(s);
        assertThat(revisions(stored)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(recordedIds(stored).subList(0, 3)).isEqualTo(ids(first));
        assertThat(r1.position()).isEqualTo(stored.get(2).position());
        assertThat(r2.position()).isEqualTo(stored.get(4).position());
        assertThat(r2.position()).isGreaterThan(r1.position());
    }

    static Stream<Arguments> wrongExpectations() {
        // setup: how many events the stream has (-1: none); then the expectation that fails
        return Stream.of(
                Arguments.of(2, StreamState.noStream(), StreamState.at(1)),
                Arguments.of(2, StreamState.at(0), StreamState.at(1)),
                Arguments.of(2, StreamState.at(5), StreamState.at(1)),
                Arguments.of(0, StreamState.streamExists(), StreamState.noStream()),
                Arguments.of(0, StreamState.at(0), StreamState.noStream()));
    }

    @ParameterizedTest(name = "{0} events, expected {1}: actual {2}")
    @MethodSource("wrongExpectations")
    void aWrongExpectationIsRefusedWithTheActualState(int existing, StreamState expected, StreamState actual) {
        StreamName s = stream("wev");
        if (existing > 0) {
            append(s, StreamState.noStream(), events(existing));
        }
        assertThatThrownBy(() -> append(s, expected, events(1)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
                    assertThat(e.stream()).isEqualTo(s);
                    assertThat(e.expected()).isEqualTo(expected);
                    assertThat(e.actual()).isEqualTo(actual);
                    assertThat(e.getMessage()).isEqualTo(new WrongExpectedVersionException(s, expected, actual)
                            .getMessage());
                });
        assertThat(existing == 0 ? List.of() : read(s)).hasSize(existing);
    }

    @Test
    void anyAndStreamExistsSucceedWhenTheyHold() {
        StreamName s = stream("any");
        assertThat(append(s, StreamState.any(), events(1)).nextExpectedRevision()).isZero();
        assertThat(append(s, StreamState.streamExists(), events(1)).nextExpectedRevision()).isEqualTo(1);
        assertThat(append(s, StreamState.any(), events(1)).nextExpectedRevision()).isEqualTo(2);
    }

    @Test
    void sendingTheSameEventsAgainDoesNotWriteThemTwice() {
        StreamName s = stream("idem");
        List<EventData> batch = events(3);
        AppendResult first = append(s, StreamState.noStream(), batch);
        AppendResult again = append(s, StreamState.noStream(), batch);
        AppendResult againAny = append(s, StreamState.any(), batch);

        assertThat(again).isEqualTo(first);
        assertThat(againAny.nextExpectedRevision()).isEqualTo(first.nextExpectedRevision());
        assertThat(read(s)).hasSize(3);
    }

    @Test
    void anEmptyAppendToAMissingStreamWritesNothing() {
        StreamName s = stream("empty");
        AppendResult r = append(s, StreamState.any(), List.of());
        assertThat(r.nextExpectedRevision()).isEqualTo(-1);
        assertThat(r.position()).isEqualTo(Position.START);
    }

    @Test
    void whatIsStoredIsWhatWasAppended() {
        StreamName s = stream("bytes");
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] metadata = "not json at all \u00e9".getBytes(StandardCharsets.UTF_8);
        UUID id = UUID.randomUUID();
        EventData binary = new EventData(id, EventType.of("Binary"), ContentType.BINARY, data, metadata);
        EventData json = EventData.json("Json", "{\"k\":\"v\"}").withMetadata("{\"m\":1}".getBytes(StandardCharsets.UTF_8));
        Instant before = Instant.now().minusSeconds(5);
        append(s, StreamState.noStream(), List.of(binary, json));

        List<RecordedEvent> stored = read(s);
        RecordedEvent b = stored.get(0);
        assertThat(b.id()).isEqualTo(id);
        assertThat(b.type()).isEqualTo(EventType.of("Binary"));
        assertThat(b.contentType()).isEqualTo(ContentType.BINARY);
        assertThat(b.data()).isEqualTo(data);
        assertThat(b.metadata()).isEqualTo(metadata);
        assertThat(b.stream()).isEqualTo(s);
        assertThat(b.created()).isBetween(before, Instant.now().plusSeconds(5));
        RecordedEvent j = stored.get(1);
        assertThat(j.contentType()).isEqualTo(ContentType.JSON);
        assertThat(j.dataAsString()).isEqualTo("{\"k\":\"v\"}");
        assertThat(new String(j.metadata(), StandardCharsets.UTF_8)).isEqualTo("{\"m\":1}");
        assertThat(j.created()).isAfterOrEqualTo(b.created());
    }

    @Test
    void theGlobalLogCannotBeWrittenTo() {
        assertThatThrownBy(() -> store().append(StreamName.of("$all"), StreamState.any(), events(1)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("$all is the global log: it cannot be written to");
    }

    @Test
    void reservedEventTypesAreRefused() {
        StreamName s = stream("reserved");
        assertThatThrownBy(() -> append(s, StreamState.any(), List.of(event("$custom"))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'$custom' is reserved");
        assertThatThrownBy(() -> store().readStreamToList(s, ReadStreamOptions.forwards()))
                .isInstanceOf(dev.cairn.api.StreamNotFoundException.class);
    }

    @Test
    void anEventLargerThanTheEventLimitIsRefused() {
        StreamName s = stream("big");
        EventData big = EventData.binary("Big", new byte[(int) Stores.MAX_EVENT_SIZE + 1]);
        assertThatThrownBy(() -> append(s, StreamState.any(), List.of(big)))
                .isInstanceOfSatisfying(MaximumAppendSizeExceededException.class,
                        e -> assertThat(e.maxAppendSize()).isEqualTo(Stores.MAX_EVENT_SIZE));
    }

    @Test
    void anAppendLargerThanTheAppendLimitIsRefusedWhole() {
        StreamName s = stream("huge");
        List<EventData> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(EventData.binary("Chunk", new byte[(int) Stores.MAX_EVENT_SIZE - 100]));
        }
        assertThatThrownBy(() -> append(s, StreamState.any(), many))
                .isInstanceOfSatisfying(MaximumAppendSizeExceededException.class,
                        e -> assertThat(e.maxAppendSize()).isEqualTo(Stores.MAX_APPEND_SIZE));
        assertThatThrownBy(() -> read(s)).isInstanceOf(dev.cairn.api.StreamNotFoundException.class);
    }

    @Test
    void ofConcurrentWritersExpectingTheSameRevisionExactlyOneWins() {
        StreamName s = stream("race");
        append(s, StreamState.noStream(), events(1));
        List<CompletableFuture<AppendResult>> writers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            writers.add(store().appendAsync(s, StreamState.at(0), List.of(event())));
        }
        int won = 0;
        int lost = 0;
        for (CompletableFuture<AppendResult> w : writers) {
            try {
                w.join();
                won++;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(WrongExpectedVersionException.class);
                lost++;
            }
        }
        assertThat(won).isEqualTo(1);
        assertThat(lost).isEqualTo(7);
        assertThat(read(s)).hasSize(2);
    }

    @Test
    void asynchronousAppendsCompleteWithTheSameExceptions() {
        StreamName s = stream("async");
        append(s, StreamState.noStream(), events(1));
        CompletableFuture<AppendResult> f = store().appendAsync(s, StreamState.noStream(), events(1));
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WrongExpectedVersionException.class);
        assertThat(store().appendAsync(s, StreamState.at(0), events(1)).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .join().nextExpectedRevision()).isEqualTo(1);
    }

    @Test
    void theHeadPositionIsNeverBeforeTheLastAppend() {
        StreamName s = stream("head");
        Position before = store().headPosition();
        AppendResult r = append(s, StreamState.noStream(), events(2));
        Position after = store().headPosition();
        assertThat(r.position()).isGreaterThanOrEqualTo(before);
        assertThat(after).isGreaterThanOrEqualTo(r.position());
    }
}
