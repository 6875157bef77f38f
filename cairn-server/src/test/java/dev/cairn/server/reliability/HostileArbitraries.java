package dev.cairn.server.reliability;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.v2.streams.AppendRecord;
import dev.cairn.protocol.v2.streams.AppendRequest;
import dev.cairn.protocol.v2.streams.ConsistencyCheck;
import dev.cairn.protocol.v2.streams.SchemaInfo;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The generators of {@link HostileRequestsTest}: hostile values (names, revisions, UUIDs, metadata,
 * payloads, regular expressions) and whole requests of every streams handler built from them, and
 * byte-level mutations. Stateless.
 */
final class HostileArbitraries {

    private HostileArbitraries() {
    }

    /** Names: ordinary, control characters, invalid UTF-8, system prefixes, empty, huge (up to 1 MB). */
    static Arbitrary<StreamIdentifier> streamIdentifiers() {
        Arbitrary<ByteString> bytes = Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12).alpha()
                        .map(s -> ByteString.copyFromUtf8("h-" + s)),
                Arbitraries.strings().all().ofMaxLength(40).map(ByteString::copyFromUtf8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(ByteString::copyFrom),
                Arbitraries.of("", "$all", "$$", "$$h-x", "$$$settings", "$h-sys", "\u0000", "h-\n\r\t\u0007",
                        "h-\u202e\ufeff").map(ByteString::copyFromUtf8),
                Arbitraries.of(4_096, 4_097, 65_535, 65_536, 1 << 20)
                        .map(n -> ByteString.copyFromUtf8("h".repeat(n))));
        return bytes.map(b -> StreamIdentifier.newBuilder().setStreamName(b).build());
    }

    static Arbitrary<Integer> expectedCase() {
        return Arbitraries.integers().between(0, 4);
    }

    static Arbitrary<Long> revisions() {
        return Arbitraries.oneOf(Arbitraries.of(0L, 1L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL),
                Arbitraries.longs());
    }

    static Arbitrary<UUID> uuids() {
        return Arbitraries.oneOf(
                Arbitraries.longs().tuple2().map(t -> UUID.newBuilder().setStructured(UUID.Structured.newBuilder()
                        .setMostSignificantBits(t.get1()).setLeastSignificantBits(t.get2())).build()),
                Arbitraries.just(UUID.newBuilder().setStructured(UUID.Structured.getDefaultInstance()).build()),
                Arbitraries.strings().all().ofMaxLength(40).map(s -> UUID.newBuilder().setString(s).build()),
                Arbitraries.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "1-1-1-1-1",
                        "ffffffff-ffff-ffff-ffff-ffffffffffff", java.util.UUID.randomUUID() + "x")
                        .map(s -> UUID.newBuilder().setString(s).build()),
                Arbitraries.just(UUID.getDefaultInstance()),
                Arbitraries.create(java.util.UUID::randomUUID)
                        .map(u -> UUID.newBuilder().setString(u.toString()).build()));
    }

    static Arbitrary<java.util.Map<String, String>> eventMetadata() {
        Arbitrary<String> type = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.strings().all().ofMaxLength(20), Arbitraries.of("", "$>", "$metadata", "$x"),
                Arbitraries.just("t".repeat(70_000)));
        Arbitrary<String> contentType = Arbitraries.of("application/json", "application/octet-stream", "", "text/x",
                "application/json; charset=utf-8");
        return Combinators.combine(type, contentType, Arbitraries.integers().between(0, 3)).as((t, c, shape) -> {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            if (shape != 1) {
                m.put("type", t);
            }
            if (shape != 2) {
                m.put("content-type", c);
            }
            if (shape == 3) {
                m.put("created", "-1");
            }
            return m;
        });
    }

    static Arbitrary<ByteString> data() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(ByteString::copyFrom),
                Arbitraries.of("{}", "{", "null", "").map(ByteString::copyFromUtf8),
                Arbitraries.of(1 << 20, (1 << 20) + 1).map(n -> ByteString.copyFrom(new byte[n])));
    }

    static Arbitrary<List<AppendReq>> appendRequests() {
        Arbitrary<AppendReq> options = Combinators.combine(streamIdentifiers(), revisions(), expectedCase())
                .as((stream, revision, expected) -> {
                    AppendReq.Options.Builder o = AppendReq.Options.newBuilder().setStreamIdentifier(stream);
                    switch (expected) {
                        case 0 -> o.setRevision(revision);
                        case 1 -> o.setNoStream(Empty.getDefaultInstance());
                        case 2 -> o.setAny(Empty.getDefaultInstance());
                        case 3 -> o.setStreamExists(Empty.getDefaultInstance());
                        default -> { }
                    }
                    return AppendReq.newBuilder().setOptions(o).build();
                });
        Arbitrary<AppendReq> message = Combinators.combine(uuids(), eventMetadata(), data(), data(),
                Arbitraries.of(true, false))
                .as((id, meta, data, custom, withId) -> {
                    AppendReq.ProposedMessage.Builder m = AppendReq.ProposedMessage.newBuilder().putAllMetadata(meta)
                            .setData(data).setCustomMetadata(custom);
                    if (withId) {
                        m.setId(id);
                    }
                    return AppendReq.newBuilder().setProposedMessage(m).build();
                });
        return Combinators.combine(options, message.list().ofMaxSize(5), Arbitraries.integers().between(0, 9))
                .as((o, messages, shape) -> {
                    List<AppendReq> all = new ArrayList<>();
                    if (shape != 0) {
                        all.add(o); // shape 0: events without options
                    }
                    all.addAll(messages);
                    if (shape == 1) {
                        all.add(o); // options twice
                    }
                    if (shape == 2) {
                        all.add(AppendReq.getDefaultInstance()); // no content
                    }
                    return all;
                });
    }

    static Arbitrary<List<BatchAppendReq>> batchAppendRequests() {
        Arbitrary<BatchAppendReq.ProposedMessage> message = Combinators.combine(uuids(), eventMetadata(), data())
                .as((id, meta, data) -> BatchAppendReq.ProposedMessage.newBuilder().setId(id).putAllMetadata(meta)
                        .setData(data).build());
        Arbitrary<BatchAppendReq> request = Combinators.combine(uuids(), streamIdentifiers(), revisions(),
                expectedCase(), message.list().ofMaxSize(4), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 5))
                .as((correlation, stream, revision, expected, messages, isFinal, shape) -> {
                    BatchAppendReq.Options.Builder o = BatchAppendReq.Options.newBuilder().setStreamIdentifier(stream);
                    switch (expected) {
                        case 0 -> o.setStreamPosition(revision);
                        case 1 -> o.setNoStream(com.google.protobuf.Empty.getDefaultInstance());
                        case 2 -> o.setAny(com.google.protobuf.Empty.getDefaultInstance());
                        case 3 -> o.setStreamExists(com.google.protobuf.Empty.getDefaultInstance());
                        default -> { }
                    }
                    if (shape == 4) {
                        o.setDeadline(com.google.protobuf.Duration.newBuilder().setSeconds(revision).setNanos(-5));
                    } else if (shape == 5) {
                        o.setDeadline21100(com.google.protobuf.Timestamp.newBuilder().setSeconds(revision));
                    }
                    BatchAppendReq.Builder b = BatchAppendReq.newBuilder().addAllProposedMessages(messages)
                            .setIsFinal(isFinal);
                    if (shape != 0) {
                        b.setCorrelationId(correlation);
                    }
                    if (shape != 1) {
                        b.setOptions(o);
                    }
                    return b.build();
                });
        return request.list().ofMinSize(1).ofMaxSize(4);
    }

    static Arbitrary<ReadReq> readRequests() {
        Arbitrary<String> regex = Arbitraries.oneOf(Arbitraries.of("(a+)+$", "(a|aa)*b", "^(([a-z])+.)+[A-Z]([a-z])+$",
                "[", "(?<x>a)\\k<x>", "a{1000000}", "\\", "(?=x)", ".*.*.*.*.*.*=.*", "h-.*"),
                Arbitraries.strings().all().ofMaxLength(30));
        Arbitrary<ReadReq.Options.FilterOptions> filter = Combinators.combine(regex,
                Arbitraries.strings().all().ofMaxLength(10).list().ofMaxSize(3), Arbitraries.integers(),
                Arbitraries.integers().between(0, 4), Arbitraries.integers())
                .as((re, prefixes, max, shape, multiplier) -> {
                    ReadReq.Options.FilterOptions.Expression.Builder e = ReadReq.Options.FilterOptions.Expression
                            .newBuilder().addAllPrefix(shape == 3 ? prefixes : List.of());
                    if (shape != 3) {
                        e.setRegex(re);
                    }
                    ReadReq.Options.FilterOptions.Builder f = ReadReq.Options.FilterOptions.newBuilder()
                            .setCheckpointIntervalMultiplier(multiplier);
                    if (shape == 0 || shape == 3) {
                        f.setStreamIdentifier(e);
                    } else if (shape == 1) {
                        f.setEventType(e);
                    }
                    if (max % 2 == 0) {
                        f.setMax(max);
                    } else {
                        f.setCount(Empty.getDefaultInstance());
                    }
                    return f.build();
                });
        return Combinators.combine(streamIdentifiers(), revisions(), revisions(), revisions(),
                Arbitraries.integers().between(0, 12), Arbitraries.integers().between(-1, 3), filter.injectNull(0.3),
                Arbitraries.of(true, false))
                .as((stream, revision, commit, count, shape, direction, f, resolve) -> {
                    ReadReq.Options.Builder o = ReadReq.Options.newBuilder().setResolveLinks(resolve)
                            .setReadDirectionValue(direction);
                    switch (shape % 3) {
                        case 0 -> o.setStream(ReadReq.Options.StreamOptions.newBuilder().setStreamIdentifier(stream)
                                .setRevision(revision));
                        case 1 -> o.setStream(ReadReq.Options.StreamOptions.newBuilder().setStreamIdentifier(stream)
                                .setStart(Empty.getDefaultInstance()));
                        default -> o.setAll(ReadReq.Options.AllOptions.newBuilder().setPosition(
                                ReadReq.Options.Position.newBuilder().setCommitPosition(commit)
                                        .setPreparePosition(revision)));
                    }
                    if (shape == 11) {
                        o.setAll(ReadReq.Options.AllOptions.newBuilder().setEnd(Empty.getDefaultInstance()));
                    }
                    if (shape >= 9) {
                        o.setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance());
                    } else if (shape != 8) {
                        o.setCount(count);
                    }
                    if (f != null) {
                        o.setFilter(f);
                    } else if (shape == 7) {
                        o.setNoFilter(Empty.getDefaultInstance());
                    }
                    return ReadReq.newBuilder().setOptions(o).build();
                });
    }

    static Arbitrary<AppendRecord> v2Record() {
        Arbitrary<String> name = streamIdentifiers().map(s -> s.getStreamName().toStringUtf8());
        Arbitrary<Value> value = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(10)
                .map(s -> Value.newBuilder().setStringValue(s).build()),
                Arbitraries.just(Value.getDefaultInstance()),
                Arbitraries.doubles().map(d -> Value.newBuilder().setNumberValue(d).build()));
        return Combinators.combine(uuids().map(u -> u.hasStructured() ? "" : u.getString()), name,
                Arbitraries.strings().all().ofMaxLength(12), Arbitraries.integers().between(-1, 3), data(),
                Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(6), value).ofMaxSize(3),
                Arbitraries.of(true, false))
                .as((id, stream, schema, format, data, properties, withStream) -> {
                    AppendRecord.Builder r = AppendRecord.newBuilder().setRecordId(id).setData(data)
                            .putAllProperties(properties)
                            .setSchema(SchemaInfo.newBuilder().setName(schema).setFormatValue(format));
                    if (withStream) {
                        r.setStream(stream);
                    }
                    return r.build();
                });
    }

    static Arbitrary<List<AppendRequest>> v2AppendRequests() {
        Arbitrary<AppendRequest> request = Combinators.combine(streamIdentifiers(), v2Record().list().ofMaxSize(3),
                revisions().injectNull(0.3)).as((stream, records, revision) -> {
                    AppendRequest.Builder b = AppendRequest.newBuilder()
                            .setStream(stream.getStreamName().toStringUtf8())
                            .addAllRecords(records);
                    if (revision != null) {
                        b.setExpectedRevision(revision);
                    }
                    return b.build();
                });
        return request.list().ofMaxSize(3);
    }

    static Arbitrary<List<AppendRecord>> v2Records() {
        return v2Record().list().ofMaxSize(4);
    }

    static Arbitrary<List<ConsistencyCheck>> v2Checks() {
        return Combinators.combine(streamIdentifiers(), revisions()).as((s, r) -> ConsistencyCheck.newBuilder()
                .setStreamState(ConsistencyCheck.StreamStateCheck.newBuilder()
                        .setStream(s.getStreamName().toStringUtf8()).setExpectedState(r)).build()).list().ofMaxSize(3);
    }

    /** Each mutation: {kind, where, value}; kinds: overwrite a byte, insert, delete, truncate. */
    static Arbitrary<List<int[]>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 255)).as((k, at, v) -> new int[] {k, at, v})
                .list().ofMinSize(1).ofMaxSize(4);
    }

    static byte[] mutate(byte[] original, List<int[]> mutations) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : original) {
            bytes.add(b);
        }
        for (int[] m : mutations) {
            int at = bytes.isEmpty() ? 0 : m[1] % bytes.size();
            switch (m[0]) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) m[2]);
                    }
                }
                case 1 -> bytes.add(at, (byte) m[2]);
                case 2 -> {
                    if (!bytes.isEmpty()) {
                        bytes.remove(at);
                    }
                }
                default -> bytes.subList(at, bytes.size()).clear();
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }
}
