package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.protocol.streams.ReadResp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The hand encoding of a read event against the generated code's: the same bytes, for any event,
 * link or both, either id form, and the edge values where proto3 leaves a field out (zero, empty).
 */
class ReadEventEncoderTest {

    @Property(tries = 500)
    void encodesExactlyWhatTheGeneratedCodeDoes(@ForAll("resolved") ResolvedEvent resolved,
            @ForAll boolean structuredIds) throws Exception {
        ReadResp built = ReadResp.newBuilder().setEvent(Wire.readEvent(resolved, structuredIds)).build();

        EncodedReadResp encoded = new ReadEventEncoder(structuredIds).readResp(resolved);

        assertThat(encoded.toByteArray()).isEqualTo(built.toByteArray());
        assertThat(encoded.getSerializedSize()).isEqualTo(built.getSerializedSize());
        assertThat(encoded.parsed()).isEqualTo(built);
        assertThat(encoded).as("a Message equal to the built one, field by field").isEqualTo(built);
    }

    @Property(tries = 300)
    void encodesAPersistentSubscriptionsEventExactlyAsTheGeneratedCodeDoes(@ForAll("resolved") ResolvedEvent resolved,
            @ForAll boolean structuredIds, @ForAll int retryCount) throws Exception {
        dev.cairn.protocol.persistentsubscriptions.ReadResp built = dev.cairn.protocol.persistentsubscriptions.ReadResp
                .newBuilder().setEvent(PersistentWire.readEvent(resolved, retryCount, structuredIds)).build();

        EncodedReadResp encoded = new ReadEventEncoder(structuredIds).persistentReadResp(resolved, retryCount);

        assertThat(encoded.toByteArray()).isEqualTo(built.toByteArray());
        assertThat(encoded.parsed()).isEqualTo(built);
    }

    /** One encoder serves a whole call, remembering the last name and types: each event still gets its own. */
    @Property(tries = 200)
    void oneEncoderForManyEventsEncodesEachAsTheGeneratedCodeDoes(
            @ForAll("sequences") List<ResolvedEvent> events, @ForAll boolean structuredIds) {
        ReadEventEncoder encoder = new ReadEventEncoder(structuredIds);
        for (ResolvedEvent resolved : events) {
            assertThat(encoder.readResp(resolved).toByteArray()).isEqualTo(
                    ReadResp.newBuilder().setEvent(Wire.readEvent(resolved, structuredIds)).build().toByteArray());
        }
    }

    @Property(tries = 500)
    void decimalDigitsAreLongToStrings(@ForAll long value) {
        assertThat(new String(ReadEventEncoder.decimal(value), StandardCharsets.US_ASCII))
                .isEqualTo(Long.toString(value));
    }

    @Example
    void decimalDigitsAtTheEdges() {
        for (long value : new long[] {0, 9, 10, 99, 100, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            assertThat(new String(ReadEventEncoder.decimal(value), StandardCharsets.US_ASCII))
                    .isEqualTo(Long.toString(value));
        }
    }

    @Provide
    Arbitrary<List<ResolvedEvent>> sequences() {
        // few distinct streams and types, so that the encoder's memory of the last is hit and missed
        Arbitrary<RecordedEvent> recorded = Combinators.combine(recorded(), Arbitraries.of("s", "t", "$$u"),
                Arbitraries.of("T", "U", "日本")).as((e, stream, type) -> new RecordedEvent(StreamName.of(stream),
                e.revision(), e.id(), EventType.of(type), e.contentType(), e.data(), e.metadata(), e.created(),
                e.position()));
        return recorded.map(ResolvedEvent::of).list().ofMaxSize(12);
    }

    @Example
    void aReadOfOneStreamKeepsEncodingEachEventsOwnFields() throws Exception {
        ReadEventEncoder encoder = new ReadEventEncoder(true);
        for (RecordedEvent e : List.of(event("a", 0, "x"), event("a", 1, "yy"), event("b", 0, "zzz"),
                event("a", 2, ""))) {
            ResolvedEvent resolved = ResolvedEvent.of(e);
            assertThat(ReadResp.parseFrom(encoder.readResp(resolved).toByteArray()).getEvent())
                    .isEqualTo(Wire.readEvent(resolved, true));
        }
    }

    private static RecordedEvent event(String stream, long revision, String data) {
        return new RecordedEvent(StreamName.of(stream), revision, UUID.randomUUID(), EventType.of("t"),
                ContentType.JSON, data.getBytes(StandardCharsets.UTF_8), new byte[0], Instant.now(),
                Position.of(100 + revision, 100 + revision));
    }

    @Provide
    Arbitrary<ResolvedEvent> resolved() {
        Arbitrary<RecordedEvent> recorded = recorded();
        return Arbitraries.oneOf(
                recorded.map(ResolvedEvent::of),
                Combinators.combine(recorded, recorded).as(ResolvedEvent::new),
                recorded.map(link -> new ResolvedEvent(null, link)));
    }

    private static Arbitrary<RecordedEvent> recorded() {
        Arbitrary<Long> longs = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, 1000),
                Arbitraries.longs().greaterOrEqual(0), Arbitraries.just(Long.MAX_VALUE));
        Arbitrary<Long> bits = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs());
        Arbitrary<UUID> ids = Combinators.combine(bits, bits).as(UUID::new);
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .withCharRange('a', 'z').withChars('$', '-', 'é', '日', '\uD83D', '\uDE00');
        Arbitrary<StreamName> streams = text.filter(s -> !s.equals("$$") && validUtf16(s)).map(StreamName::of);
        Arbitrary<EventType> types = text.filter(ReadEventEncoderTest::validUtf16).map(EventType::of);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Instant> created = Arbitraries.longs().between(0, 4_000_000_000L)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
        Arbitrary<Position> positions = Combinators.combine(longs, longs)
                .as((a, b) -> Position.of(Math.max(a, b), Math.min(a, b)));
        return Combinators.combine(streams, longs, ids, types, Arbitraries.of(ContentType.class), bytes, bytes,
                created).flatAs((stream, revision, id, type, contentType, data, metadata, when) ->
                positions.map(position -> new RecordedEvent(stream, revision, id, type, contentType, data, metadata,
                        when, position)));
    }

    /** No lone surrogates: those have no UTF-8 form, and the API's names are real text. */
    private static boolean validUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
