package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import dev.cairn.api.EventData;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.BatchAppendReq;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The Append decoder against the generated parser: for any message, the event or options it gives
 * (or the error it raises) are the ones the generated message gives, and the usual proposed message
 * and options are read by the decoder itself, not handed to the generated parser. The same for a
 * BatchAppend request: its events, and the rest of it as the generated message.
 */
class AppendReqDecoderTest {

    @Property(tries = 500)
    void aProposedMessageGivesWhatTheGeneratedMessageGives(@ForAll("proposed") AppendReq.ProposedMessage message)
            throws Exception {
        byte[] bytes = AppendReq.newBuilder().setProposedMessage(message).build().toByteArray();

        Object decoded = AppendReqDecoder.parse(bytes);

        AppendReq generated = AppendReq.parseFrom(bytes);
        assertThat(decoded).as("read by the decoder itself").isInstanceOf(AppendReqDecoder.Proposed.class);
        assertThat(outcome(() -> Wire.eventData((AppendReqDecoder.Proposed) decoded)))
                .isEqualTo(outcome(() -> Wire.eventData(generated.getProposedMessage())));
    }

    @Property(tries = 500)
    void optionsGiveWhatTheGeneratedMessageGives(@ForAll("options") AppendReq.Options options) throws Exception {
        byte[] bytes = AppendReq.newBuilder().setOptions(options).build().toByteArray();

        Object decoded = AppendReqDecoder.parse(bytes);

        assertSameAsGenerated(bytes);
        // an empty name is not on the wire at all: the identifier is then empty, an odd shape
        boolean usualShape = options.hasStreamIdentifier() && options.getUnknownFields().asMap().isEmpty()
                && options.getStreamIdentifier().getUnknownFields().asMap().isEmpty()
                && !options.getStreamIdentifier().getStreamName().isEmpty();
        assertThat(decoded).as("read by the decoder itself").isInstanceOf(usualShape
                ? AppendReqDecoder.Options.class : AppendReq.class);
    }

    /**
     * Concatenated messages (which protobuf merges), options, truncations and flipped bytes: whatever
     * the decoder makes of them, the outcome is the generated parser's.
     */
    @Property(tries = 1000)
    void anyBytesGiveWhatTheGeneratedParserGives(@ForAll("messages") List<AppendReq> messages,
            @ForAll("cuts") int cut, @ForAll("flips") List<Integer> flips) throws Exception {
        assertSameAsGenerated(mangled(messages, cut, flips));
    }

    /** A BatchAppend request of proposed messages of the usual shape is read by the decoder itself. */
    @Property(tries = 300)
    void aBatchGivesWhatTheGeneratedMessageGives(@ForAll("batches") BatchAppendReq request) throws Exception {
        byte[] bytes = request.toByteArray();

        AppendReqDecoder.Batch decoded = AppendReqDecoder.parseBatch(bytes);

        assertThat(decoded.proposed()).as("read by the decoder itself").isNotNull();
        assertSameBatchAsGenerated(bytes);
    }

    /**
     * Concatenated requests (which protobuf merges: correlation ids and options merged, proposed
     * messages appended), truncations and flipped bytes: the outcome is the generated parser's.
     */
    @Property(tries = 500)
    void anyBatchBytesGiveWhatTheGeneratedParserGives(@ForAll("batchLists") List<BatchAppendReq> requests,
            @ForAll("cuts") int cut, @ForAll("flips") List<Integer> flips) throws Exception {
        assertSameBatchAsGenerated(mangled(requests, cut, flips));
    }

    @Example
    void aBatchsOtherFieldsKeepTheirOrderAroundItsEvents() throws Exception {
        // options and correlation ids given twice, between events: protobuf merges them in order
        BatchAppendReq.ProposedMessage event = BatchAppendReq.ProposedMessage.newBuilder()
                .setId(UUID.newBuilder().setString("0d6b1d3c-9f5e-4a57-8c2e-1b4f3a2d5e6f"))
                .putMetadata("type", "OrderPlaced").putMetadata("content-type", "application/json")
                .setData(ByteString.copyFromUtf8("{}")).build();
        byte[] bytes = message(out -> {
            out.writeMessage(2, BatchAppendReq.Options.newBuilder().setStreamIdentifier(StreamIdentifier.newBuilder()
                    .setStreamName(ByteString.copyFromUtf8("first"))).setAny(com.google.protobuf.Empty.getDefaultInstance())
                    .build());
            out.writeMessage(3, event);
            out.writeMessage(1, UUID.newBuilder().setStructured(UUID.Structured.newBuilder()
                    .setMostSignificantBits(1)).build());
            out.writeMessage(2, BatchAppendReq.Options.newBuilder().setStreamIdentifier(StreamIdentifier.newBuilder()
                    .setStreamName(ByteString.copyFromUtf8("second"))).setStreamPosition(4).build());
            out.writeMessage(3, event);
            out.writeBool(4, true);
            out.writeMessage(1, UUID.newBuilder().setStructured(UUID.Structured.newBuilder()
                    .setLeastSignificantBits(2)).build());
            out.writeBool(4, false);
        });

        AppendReqDecoder.Batch decoded = AppendReqDecoder.parseBatch(bytes);

        assertThat(decoded.proposed()).hasSize(2);
        assertThat(decoded.rest().getOptions().getStreamIdentifier().getStreamName().toStringUtf8()).isEqualTo("second");
        assertThat(decoded.rest().getOptions().getStreamPosition()).isEqualTo(4);
        assertThat(decoded.rest().getCorrelationId().getStructured().getMostSignificantBits()).isEqualTo(1);
        assertThat(decoded.rest().getCorrelationId().getStructured().getLeastSignificantBits()).isEqualTo(2);
        assertThat(decoded.rest().getIsFinal()).isFalse();
        assertSameBatchAsGenerated(bytes);
    }

    @Example
    void fieldsOfEveryShapeTheGeneratedCodeReadsAreReadAlike() throws Exception {
        byte[] structured = message(out -> {
            out.writeInt64(2, 7);                           // least significant first
            out.writeInt64(1, 9);
            out.writeFixed64(1, 99);                        // field 1 with the wrong wire type: unknown
            out.writeString(3, "unknown");
        });
        byte[] id = message(out -> out.writeByteArray(1, structured));
        byte[] proposed = message(out -> {
            out.writeByteArray(4, "{\"first\":1}".getBytes(StandardCharsets.UTF_8));
            out.writeByteArray(2, entry("type", "First"));
            out.writeByteArray(2, message(e -> {        // value before key, and an unknown field
                e.writeString(2, "application/json");
                e.writeUInt32(7, 5);
                e.writeString(1, "content-type");
            }));
            out.writeByteArray(2, entry("type", "Second"));  // the last entry of a key wins
            out.writeByteArray(2, message(e -> e.writeString(1, "empty-value")));
            out.writeByteArray(2, message(e -> e.writeString(2, "no key")));
            out.writeUInt64(4, 12);                          // data with the wrong wire type: unknown
            out.writeByteArray(1, id);
            out.writeByteArray(4, "{\"last\":2}".getBytes(StandardCharsets.UTF_8)); // the last data wins
            out.writeFixed32(15, 3);
        });
        byte[] bytes = message(out -> out.writeByteArray(2, proposed));

        Object decoded = AppendReqDecoder.parse(bytes);

        assertThat(decoded).isInstanceOf(AppendReqDecoder.Proposed.class);
        assertSameAsGenerated(bytes);
        EventData event = Wire.eventData((AppendReqDecoder.Proposed) decoded);
        assertThat(event.id()).isEqualTo(new java.util.UUID(9, 7));
        assertThat(event.type().value()).isEqualTo("Second");
        assertThat(new String(event.data(), StandardCharsets.UTF_8)).isEqualTo("{\"last\":2}");
    }

    @Example
    void optionsOfEveryShapeTheGeneratedCodeReadsAreReadAlike() throws Exception {
        byte[] name = message(out -> out.writeByteArray(3, new byte[] {'s', (byte) 0xC3, (byte) 0x28}));
        byte[] usual = message(out -> out.writeByteArray(1, message(o -> {
            o.writeUInt64(2, -1L);                          // expected state before the stream, 2^64-1
            o.writeByteArray(1, name);                      // not UTF-8: a bytes field, read with replacement
        })));
        assertThat(AppendReqDecoder.parse(usual)).isEqualTo(
                new AppendReqDecoder.Options("s\uFFFD(", true, -1L, false, false, false));
        assertSameAsGenerated(usual);

        List<byte[]> leftToTheGenerated = List.of(
                message(out -> out.writeByteArray(1, message(o -> {  // the oneof set twice: the last wins
                    o.writeByteArray(1, name);
                    o.writeByteArray(4, new byte[0]);
                    o.writeUInt64(2, 5);
                }))),
                message(out -> out.writeByteArray(1, message(o -> {  // the stream given twice: merged
                    o.writeByteArray(1, name);
                    o.writeByteArray(1, message(i -> i.writeString(3, "other")));
                }))),
                message(out -> out.writeByteArray(1, message(o -> {  // an Empty with content
                    o.writeByteArray(1, name);
                    o.writeByteArray(5, message(e -> e.writeUInt32(1, 1)));
                }))),
                message(out -> out.writeByteArray(1, message(o -> {  // an unknown field in the identifier
                    o.writeByteArray(1, message(i -> {
                        i.writeString(3, "s");
                        i.writeString(1, "early releases' field");
                    }));
                    o.writeByteArray(3, new byte[0]);
                }))),
                message(out -> out.writeByteArray(1, message(o -> o.writeByteArray(4, new byte[0])))), // no stream
                message(out -> {                                // the options given twice: merged
                    out.writeByteArray(1, message(o -> o.writeByteArray(1, name)));
                    out.writeByteArray(1, message(o -> o.writeByteArray(3, new byte[0])));
                }));
        for (byte[] bytes : leftToTheGenerated) {
            assertThat(AppendReqDecoder.parse(bytes)).as(HexFormat.of().formatHex(bytes)).isInstanceOf(AppendReq.class);
            assertSameAsGenerated(bytes);
        }
    }

    @Example
    void whatProtobufMergesOrRefusesIsLeftToTheGeneratedParser() throws Exception {
        assertThat(AppendReqDecoder.parse(new byte[0])).isEqualTo(AppendReq.getDefaultInstance());

        byte[] halfId = message(out -> out.writeByteArray(2, message(p -> {
            p.writeByteArray(1, message(u -> u.writeByteArray(1, message(s -> s.writeInt64(1, 5)))));
            p.writeByteArray(1, message(u -> u.writeByteArray(1, message(s -> s.writeInt64(2, 6)))));
            p.writeByteArray(2, entry("type", "T"));
            p.writeByteArray(2, entry("content-type", "application/octet-stream"));
        })));
        assertThat(AppendReqDecoder.parse(halfId)).as("an id given twice is merged").isInstanceOf(AppendReq.class);
        assertSameAsGenerated(halfId);
        assertThat(Wire.eventData(((AppendReq) AppendReqDecoder.parse(halfId)).getProposedMessage()).id())
                .isEqualTo(new java.util.UUID(5, 6));

        byte[] badUtf8 = message(out -> out.writeByteArray(2, message(p -> p.writeByteArray(2,
                message(e -> {
                    e.writeString(1, "type");
                    e.writeByteArray(2, new byte[] {(byte) 0xC3, (byte) 0x28});
                })))));
        assertSameAsGenerated(badUtf8);

        byte[] badUtf8Overwritten = message(out -> out.writeByteArray(2, message(p -> {
            p.writeByteArray(1, message(u -> u.writeString(2, java.util.UUID.randomUUID().toString())));
            p.writeByteArray(2, message(e -> {
                e.writeByteArray(1, new byte[] {(byte) 0xC3, (byte) 0x28}); // a key given twice, the first not UTF-8
                e.writeString(1, "type");
                e.writeString(2, "T");
            }));
            p.writeByteArray(2, entry("content-type", "application/json"));
        })));
        assertThatThrownBy(() -> AppendReq.parseFrom(badUtf8Overwritten))
                .isInstanceOf(InvalidProtocolBufferException.class);
        assertSameAsGenerated(badUtf8Overwritten);
    }

    @Example
    void theMarshallerReadsAllOfAMessageWhateverItsStreamSaysIsAvailable() throws Exception {
        AppendReq.ProposedMessage message = AppendReq.ProposedMessage.newBuilder()
                .setId(UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()))
                .putMetadata("type", "T").putMetadata("content-type", "application/octet-stream")
                .setData(ByteString.copyFrom(new byte[70_000])).build();
        byte[] bytes = AppendReq.newBuilder().setProposedMessage(message).build().toByteArray();
        String expected = outcome(() -> Wire.eventData(message));

        for (int claimed : new int[] {bytes.length, 0, 1, bytes.length / 2}) {
            InputStream stream = new FilterInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                public int available() {
                    return claimed; // a stream may know less than it holds
                }
            };
            Object parsed = AppendReqDecoder.marshaller().parse(stream);
            assertThat(outcome(() -> Wire.eventData((AppendReqDecoder.Proposed) parsed))).as("claimed %d", claimed)
                    .isEqualTo(expected);
        }
    }

    /**
     * The messages one after the other, cut short by {@code cut} (modulo their length) and with a
     * byte flipped per flip.
     */
    private static byte[] mangled(List<? extends MessageLite> messages, int cut, List<Integer> flips)
            throws IOException {
        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        for (MessageLite m : messages) {
            m.writeTo(concatenated);
        }
        byte[] bytes = concatenated.toByteArray();
        if (cut > 0 && bytes.length > 0) {
            bytes = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut % bytes.length));
        }
        for (int flip : flips) {
            if (bytes.length > 0) {
                bytes[Math.floorMod(flip, bytes.length)] ^= (byte) (flip >>> 16 | 1);
            }
        }
        return bytes;
    }

    private interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    /** What both parsers make of {@code bytes}; null when both refuse them. Fails when only one does. */
    private static <G, D> Map.Entry<G, D> parseBothWays(byte[] bytes, Parser<G> generatedParser, Parser<D> decoder) {
        G generated;
        try {
            generated = generatedParser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            try {
                decoder.parse(bytes);
            } catch (InvalidProtocolBufferException same) {
                return null;
            }
            throw new AssertionError("the generated parser refuses " + HexFormat.of().formatHex(bytes)
                    + " (" + e.getMessage() + ") and the decoder does not");
        }
        try {
            return Map.entry(generated, decoder.parse(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the decoder refuses what the generated parser reads", e);
        }
    }

    /** Parses {@code bytes} both ways and compares what an Append call makes of them. */
    private static void assertSameAsGenerated(byte[] bytes) {
        Map.Entry<AppendReq, Object> both = parseBothWays(bytes, AppendReq::parseFrom, AppendReqDecoder::parse);
        if (both == null) {
            return;
        }
        AppendReq generated = both.getKey();
        Object decoded = both.getValue();
        if (decoded instanceof AppendReqDecoder.Proposed proposed) {
            assertThat(generated.getContentCase()).isEqualTo(AppendReq.ContentCase.PROPOSED_MESSAGE);
            assertThat(outcome(() -> Wire.eventData(proposed)))
                    .isEqualTo(outcome(() -> Wire.eventData(generated.getProposedMessage())));
        } else if (decoded instanceof AppendReqDecoder.Options options) {
            assertThat(generated.getContentCase()).isEqualTo(AppendReq.ContentCase.OPTIONS);
            AppendReq.Options o = generated.getOptions();
            assertThat(o.hasStreamIdentifier()).isTrue();
            assertThat(options).isEqualTo(new AppendReqDecoder.Options(
                    o.getStreamIdentifier().getStreamName().toStringUtf8(), o.hasRevision(), o.getRevision(),
                    o.hasNoStream(), o.hasAny(), o.hasStreamExists()));
        } else {
            assertThat(decoded).isEqualTo(generated);
        }
    }

    /** Parses a BatchAppend request both ways and compares what a BatchAppend call makes of it. */
    private static void assertSameBatchAsGenerated(byte[] bytes) {
        Map.Entry<BatchAppendReq, AppendReqDecoder.Batch> both = parseBothWays(bytes, BatchAppendReq::parseFrom,
                AppendReqDecoder::parseBatch);
        if (both == null) {
            return;
        }
        BatchAppendReq generated = both.getKey();
        AppendReqDecoder.Batch decoded = both.getValue();
        BatchAppendReq rest = decoded.proposed() != null ? generated.toBuilder().clearProposedMessages().build()
                : generated;
        assertThat(decoded.rest()).isEqualTo(rest);
        assertThat(decoded.events()).isEqualTo(generated.getProposedMessagesCount());
        for (int i = 0; i < decoded.events(); i++) {
            int at = i;
            assertThat(outcome(() -> decoded.event(at)))
                    .isEqualTo(outcome(() -> Wire.eventData(generated.getProposedMessages(at))));
        }
    }

    /** An event as text, or the error: its status, description and trailers, or its class and message. */
    private static String outcome(Supplier<EventData> event) {
        try {
            EventData e = event.get();
            HexFormat hex = HexFormat.of();
            return "event " + e.id() + " " + e.type().value() + " " + e.contentType() + " "
                    + hex.formatHex(e.data()) + " " + hex.formatHex(e.metadata());
        } catch (StatusRuntimeException e) {
            return "error " + e.getStatus().getCode() + " " + e.getStatus().getDescription() + " " + e.getTrailers();
        } catch (RuntimeException e) {
            return "error " + e.getClass().getName() + " " + e.getMessage();
        }
    }

    @Provide
    Arbitrary<AppendReq.ProposedMessage> proposed() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("type", "content-type", "", "Type", "x-trace"),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.of("OrderPlaced", "application/json",
                "application/octet-stream", "", "text/plain", "$>"), Arbitraries.strings().ofMaxLength(20));
        Arbitrary<Map<String, String>> extra = Arbitraries.maps(keys, values).ofMaxSize(4);
        Arbitrary<Boolean> withType = Arbitraries.of(true, true, true, false);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<UnknownFieldSet> unknown = Arbitraries.of(UnknownFieldSet.getDefaultInstance(),
                UnknownFieldSet.newBuilder().addField(9, UnknownFieldSet.Field.newBuilder().addVarint(3).build())
                        .addField(12, UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(ByteString.copyFromUtf8("x")).build()).build());
        return Combinators.combine(ids(), extra, withType, withType, values, bytes, bytes, unknown)
                .as((id, metadata, type, contentType, value, data, custom, fields) -> {
                    AppendReq.ProposedMessage.Builder b = AppendReq.ProposedMessage.newBuilder()
                            .putAllMetadata(metadata).setData(ByteString.copyFrom(data))
                            .setCustomMetadata(ByteString.copyFrom(custom)).setUnknownFields(fields);
                    if (type) {
                        b.putMetadata("type", value.isEmpty() ? "E" : value);
                    }
                    if (contentType) {
                        b.putMetadata("content-type", value.startsWith("application/") ? value : "application/json");
                    }
                    id.ifPresent(b::setId);
                    return b.build();
                });
    }

    private static Arbitrary<Optional<UUID>> ids() {
        Arbitrary<Long> longs = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MIN_VALUE));
        Arbitrary<UUID> structured = Combinators.combine(longs, longs).as((m, l) -> UUID.newBuilder()
                .setStructured(UUID.Structured.newBuilder().setMostSignificantBits(m).setLeastSignificantBits(l))
                .build());
        Arbitrary<String> canonical = Arbitraries.create(() -> java.util.UUID.randomUUID().toString());
        // one character of a canonical id replaced: a dash moved, a non-hex letter, a non-ASCII character
        Arbitrary<String> nearlyCanonical = Combinators.combine(canonical, Arbitraries.integers().between(0, 35),
                        Arbitraries.of('-', 'g', 'G', 'F', '0', ' ', 'é', '٣', '\uFF10'))
                .as((id, at, c) -> id.substring(0, at) + c + id.substring(at + 1));
        Arbitrary<UUID> string = Arbitraries.oneOf(canonical, canonical.map(String::toUpperCase), nearlyCanonical,
                Arbitraries.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "", "1-2-3-4-5",
                        "ffffffff-ffff-ffff-ffff-ffffffffffff", "80000000-0000-0000-8000-000000000000"),
                Arbitraries.strings().ofMaxLength(40)).map(s -> UUID.newBuilder().setString(s).build());
        Arbitrary<UUID> unset = Arbitraries.just(UUID.getDefaultInstance());
        return Arbitraries.frequencyOf(
                Tuple.of(5, structured.map(Optional::of)),
                Tuple.of(3, string.map(Optional::of)),
                Tuple.of(1, unset.map(Optional::of)),
                Tuple.of(1, Arbitraries.just(Optional.<UUID>empty())));
    }

    @Provide
    Arbitrary<List<AppendReq>> messages() {
        Arbitrary<AppendReq> proposed = proposed().map(p -> AppendReq.newBuilder().setProposedMessage(p).build());
        Arbitrary<AppendReq> options = options().map(o -> AppendReq.newBuilder().setOptions(o).build());
        return Arbitraries.frequencyOf(Tuple.of(6, proposed), Tuple.of(2, options))
                .list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<AppendReq.Options> options() {
        Arbitrary<ByteString> names = Arbitraries.oneOf(
                Arbitraries.of("stream-00042", "", "$all", "$$orders", "ordres-é-٣").map(ByteString::copyFromUtf8),
                Arbitraries.strings().ofMaxLength(20).map(ByteString::copyFromUtf8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(12).map(ByteString::copyFrom));
        Arbitrary<Integer> expected = Arbitraries.integers().between(0, 4); // none, revision, no stream, any, exists
        Arbitrary<Long> revisions = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MAX_VALUE));
        Arbitrary<Integer> shape = Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(1, 3));
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(3).build()).build();
        return Combinators.combine(names, expected, revisions, shape).as((name, state, revision, odd) -> {
            StreamIdentifier.Builder id = StreamIdentifier.newBuilder().setStreamName(name);
            if (odd == 1) {
                id.setUnknownFields(unknown);
            }
            AppendReq.Options.Builder b = AppendReq.Options.newBuilder();
            if (odd != 2) {
                b.setStreamIdentifier(id);
            }
            if (odd == 3) {
                b.setUnknownFields(unknown);
            }
            switch (state) {
                case 1 -> b.setRevision(revision);
                case 2 -> b.setNoStream(Empty.getDefaultInstance());
                case 3 -> b.setAny(Empty.getDefaultInstance());
                case 4 -> b.setStreamExists(Empty.getDefaultInstance());
                default -> { }
            }
            return b.build();
        });
    }

    @Provide
    Arbitrary<BatchAppendReq> batches() {
        Arbitrary<BatchAppendReq.ProposedMessage> events = proposed().map(p -> {
            try { // the same fields, so the same bytes
                return BatchAppendReq.ProposedMessage.parseFrom(p.toByteArray());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        });
        Arbitrary<Optional<UUID>> correlation = ids();
        Arbitrary<Optional<BatchAppendReq.Options>> options = Combinators.combine(
                Arbitraries.strings().ofMaxLength(12), Arbitraries.integers().between(0, 4),
                Arbitraries.longs().between(0, 1L << 40), Arbitraries.of(true, false)).as((name, expected, at, deadline) -> {
                    BatchAppendReq.Options.Builder b = BatchAppendReq.Options.newBuilder().setStreamIdentifier(
                            StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(name)));
                    switch (expected) {
                        case 0 -> b.setStreamPosition(at);
                        case 1 -> b.setNoStream(com.google.protobuf.Empty.getDefaultInstance());
                        case 2 -> b.setAny(com.google.protobuf.Empty.getDefaultInstance());
                        case 3 -> b.setStreamExists(com.google.protobuf.Empty.getDefaultInstance());
                        default -> { }
                    }
                    if (deadline) {
                        b.setDeadline(com.google.protobuf.Duration.newBuilder().setSeconds(at % 100));
                    }
                    return Optional.of(b.build());
                });
        Arbitrary<Optional<BatchAppendReq.Options>> maybeOptions = Arbitraries.oneOf(options,
                Arbitraries.just(Optional.empty()));
        Arbitrary<UnknownFieldSet> unknown = Arbitraries.of(UnknownFieldSet.getDefaultInstance(),
                UnknownFieldSet.newBuilder().addField(11, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
                        .build());
        return Combinators.combine(correlation, maybeOptions, events.list().ofMaxSize(5), Arbitraries.of(true, false),
                unknown).as((id, o, list, last, fields) -> {
                    BatchAppendReq.Builder b = BatchAppendReq.newBuilder().addAllProposedMessages(list)
                            .setIsFinal(last).setUnknownFields(fields);
                    id.ifPresent(b::setCorrelationId);
                    o.ifPresent(b::setOptions);
                    return b.build();
                });
    }

    @Provide
    Arbitrary<List<BatchAppendReq>> batchLists() {
        return batches().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 1000)));
    }

    @Provide
    Arbitrary<List<Integer>> flips() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<Integer>of())),
                Tuple.of(1, Arbitraries.integers().list().ofMaxSize(3)));
    }

    private interface Writes {
        void to(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writes writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writes.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] entry(String key, String value) throws IOException {
        return message(e -> {
            e.writeString(1, key);
            e.writeString(2, value);
        });
    }
}
