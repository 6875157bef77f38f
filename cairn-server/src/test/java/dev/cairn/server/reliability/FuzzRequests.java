package dev.cairn.server.reliability;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.DeleteReq;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.protocol.streams.TombstoneReq;
import dev.cairn.protocol.v2.streams.AppendRecordsRequest;
import dev.cairn.protocol.v2.streams.AppendRequest;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a fuzzer's bytes into one call on the streams services, so that Jazzer can mutate both the
 * raw protobuf bytes and the choice of hostile values. The format:
 *
 * <pre>
 *   byte 0, bit 7 clear: raw mode. Method = byte 0 % 7 (see {@link #METHODS}); the rest is frames,
 *       each a 2-byte big-endian length and that many bytes of one request message (a short last
 *       frame takes what is left). The messages are sent as they are, parseable or not.
 *   byte 0, bit 7 set: built mode. Method = byte 0 % 7; the rest drives the choices of a request
 *       built from hostile values: huge, negative and maximal revisions, counts and positions,
 *       malformed and nil UUIDs, invalid UTF-8 and control characters in names, 1 MB names, empty
 *       batches, pathological regular expressions, odd metadata, unknown enum values.
 * </pre>
 *
 * {@link #encode} writes raw mode, which is how the seed corpus (requests of the official client)
 * is stored. Stateless.
 */
final class FuzzRequests {

    /** The methods a fuzz input may call, indexed by {@code byte 0 % 7}. */
    static final List<MethodDescriptor<?, ?>> METHODS = List.of(StreamsGrpc.getAppendMethod(),
            StreamsGrpc.getBatchAppendMethod(), StreamsGrpc.getReadMethod(), StreamsGrpc.getDeleteMethod(),
            StreamsGrpc.getTombstoneMethod(), StreamsServiceGrpc.getAppendSessionMethod(),
            StreamsServiceGrpc.getAppendRecordsMethod());

    private static final List<Parser<? extends MessageLite>> PARSERS = List.of(AppendReq.parser(),
            BatchAppendReq.parser(), ReadReq.parser(), DeleteReq.parser(), TombstoneReq.parser(),
            AppendRequest.parser(), AppendRecordsRequest.parser());

    /** One decoded call; {@code parses} is whether every message is a valid request of its method. */
    record Call(MethodDescriptor<?, ?> method, List<byte[]> messages, boolean parses) {

        boolean isRead() {
            return method == StreamsGrpc.getReadMethod();
        }
    }

    private FuzzRequests() {
    }

    static Call decode(byte[] input) {
        if (input.length == 0) {
            return call(0, List.of());
        }
        int selector = input[0] & 0xff;
        int kind = (selector & 0x7f) % METHODS.size();
        Choices c = new Choices(input, 1);
        if ((selector & 0x80) == 0) {
            List<byte[]> frames = new ArrayList<>();
            while (c.remaining() > 0 && frames.size() < 64) {
                frames.add(c.bytes(c.u16()));
            }
            return call(kind, frames);
        }
        List<MessageLite> built = switch (kind) {
            case 0 -> appends(c);
            case 1 -> batchAppends(c);
            case 2 -> List.of(read(c));
            case 3 -> List.of(delete(c));
            case 4 -> List.of(tombstone(c));
            default -> v2(c, kind);
        };
        return call(kind, built.stream().map(MessageLite::toByteArray).toList());
    }

    /** Raw-mode input for {@code messages} sent on {@code method}. */
    static byte[] encode(MethodDescriptor<?, ?> method, List<byte[]> messages) {
        int kind = -1;
        for (int i = 0; i < METHODS.size(); i++) {
            if (METHODS.get(i).getFullMethodName().equals(method.getFullMethodName())) {
                kind = i;
            }
        }
        if (kind < 0) {
            throw new IllegalArgumentException("not a streams method: " + method.getFullMethodName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(kind);
        for (byte[] m : messages) {
            if (m.length > 0xffff) {
                throw new IllegalArgumentException("a seed message of " + m.length + " bytes is too long for a frame");
            }
            out.write(m.length >> 8);
            out.write(m.length & 0xff);
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    private static Call call(int kind, List<byte[]> messages) {
        MethodDescriptor<?, ?> method = METHODS.get(kind);
        boolean streaming = method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING
                || method.getType() == MethodDescriptor.MethodType.CLIENT_STREAMING;
        // a unary or server-streaming call sends only the first message, and needs one
        List<byte[]> sent = streaming ? messages : messages.subList(0, Math.min(1, messages.size()));
        boolean parses = streaming || !sent.isEmpty();
        for (byte[] m : sent) {
            try {
                PARSERS.get(kind).parseFrom(m);
            } catch (InvalidProtocolBufferException e) {
                parses = false;
            }
        }
        return new Call(method, sent, parses);
    }

    // ---- built mode ----

    private static List<MessageLite> appends(Choices c) {
        List<MessageLite> messages = new ArrayList<>();
        AppendReq.Options.Builder o = AppendReq.Options.newBuilder().setStreamIdentifier(stream(c));
        switch (c.u8() % 5) {
            case 0 -> o.setRevision(revision(c));
            case 1 -> o.setNoStream(Empty.getDefaultInstance());
            case 2 -> o.setAny(Empty.getDefaultInstance());
            case 3 -> o.setStreamExists(Empty.getDefaultInstance());
            default -> { } // no expected revision at all
        }
        if (c.u8() % 8 != 0) { // sometimes no options message
            messages.add(AppendReq.newBuilder().setOptions(o).build());
        }
        int events = c.u8() % 6; // 0: an empty batch
        for (int i = 0; i < events; i++) {
            AppendReq.ProposedMessage.Builder m = AppendReq.ProposedMessage.newBuilder();
            UUID id = uuid(c);
            if (id != null) {
                m.setId(id);
            }
            metadata(c, m::putMetadata);
            m.setCustomMetadata(ByteString.copyFrom(c.bytes(c.u8() % 32))).setData(data(c));
            messages.add(AppendReq.newBuilder().setProposedMessage(m).build());
        }
        if (c.u8() % 10 == 0 && !messages.isEmpty()) { // options sent twice
            messages.add(messages.getFirst());
        }
        return messages;
    }

    private static List<MessageLite> batchAppends(Choices c) {
        List<MessageLite> messages = new ArrayList<>();
        int batches = 1 + c.u8() % 3;
        for (int b = 0; b < batches; b++) {
            BatchAppendReq.Builder r = BatchAppendReq.newBuilder();
            UUID correlation = uuid(c);
            if (correlation != null) {
                r.setCorrelationId(correlation);
            }
            if (c.u8() % 6 != 0) {
                BatchAppendReq.Options.Builder o = BatchAppendReq.Options.newBuilder().setStreamIdentifier(stream(c));
                switch (c.u8() % 5) {
                    case 0 -> o.setStreamPosition(revision(c));
                    case 1 -> o.setNoStream(com.google.protobuf.Empty.getDefaultInstance());
                    case 2 -> o.setAny(com.google.protobuf.Empty.getDefaultInstance());
                    case 3 -> o.setStreamExists(com.google.protobuf.Empty.getDefaultInstance());
                    default -> { }
                }
                if (c.u8() % 3 == 0) {
                    o.setDeadline(Duration.newBuilder().setSeconds(revision(c)).setNanos(c.u8() * 4_000_000 - 500_000_000));
                }
                r.setOptions(o);
            }
            int events = c.u8() % 5; // 0: an empty batch
            for (int i = 0; i < events; i++) {
                BatchAppendReq.ProposedMessage.Builder m = BatchAppendReq.ProposedMessage.newBuilder();
                UUID id = uuid(c);
                if (id != null) {
                    m.setId(id);
                }
                metadata(c, m::putMetadata);
                m.setData(data(c));
                r.addProposedMessages(m);
            }
            r.setIsFinal(c.u8() % 4 != 0);
            messages.add(r.build());
        }
        return messages;
    }

    private static ReadReq read(Choices c) {
        ReadReq.Options.Builder o = ReadReq.Options.newBuilder();
        if (c.u8() % 2 == 0) {
            ReadReq.Options.StreamOptions.Builder s = ReadReq.Options.StreamOptions.newBuilder()
                    .setStreamIdentifier(stream(c));
            switch (c.u8() % 4) {
                case 0 -> s.setRevision(revision(c));
                case 1 -> s.setStart(Empty.getDefaultInstance());
                case 2 -> s.setEnd(Empty.getDefaultInstance());
                default -> { }
            }
            o.setStream(s);
        } else {
            ReadReq.Options.AllOptions.Builder a = ReadReq.Options.AllOptions.newBuilder();
            switch (c.u8() % 4) {
                case 0 -> a.setPosition(ReadReq.Options.Position.newBuilder().setCommitPosition(revision(c))
                        .setPreparePosition(revision(c)));
                case 1 -> a.setStart(Empty.getDefaultInstance());
                case 2 -> a.setEnd(Empty.getDefaultInstance());
                default -> { }
            }
            o.setAll(a);
        }
        o.setReadDirectionValue(c.u8() % 5 == 4 ? 2 + c.u8() : c.u8() % 2); // sometimes unknown
        o.setResolveLinks(c.u8() % 2 == 0);
        switch (c.u8() % 3) {
            case 0 -> o.setCount(revision(c));
            case 1 -> o.setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance());
            default -> { }
        }
        switch (c.u8() % 3) {
            case 0 -> {
                ReadReq.Options.FilterOptions.Expression.Builder e = ReadReq.Options.FilterOptions.Expression.newBuilder();
                if (c.u8() % 2 == 0) {
                    e.setRegex(regex(c));
                } else {
                    int prefixes = c.u8() % 4;
                    for (int i = 0; i < prefixes; i++) {
                        e.addPrefix(text(c));
                    }
                }
                ReadReq.Options.FilterOptions.Builder f = ReadReq.Options.FilterOptions.newBuilder();
                if (c.u8() % 2 == 0) {
                    f.setStreamIdentifier(e);
                } else {
                    f.setEventType(e);
                }
                if (c.u8() % 2 == 0) {
                    f.setMax((int) revision(c));
                } else {
                    f.setCount(Empty.getDefaultInstance());
                }
                f.setCheckpointIntervalMultiplier((int) revision(c));
                o.setFilter(f);
            }
            case 1 -> o.setNoFilter(Empty.getDefaultInstance());
            default -> { }
        }
        switch (c.u8() % 3) {
            case 0 -> o.setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Empty.getDefaultInstance()));
            case 1 -> o.setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setString(Empty.getDefaultInstance()));
            default -> { }
        }
        if (c.u8() % 4 == 0) {
            o.setControlOption(ReadReq.Options.ControlOption.newBuilder().setCompatibility((int) revision(c)));
        }
        return ReadReq.newBuilder().setOptions(o).build();
    }

    private static DeleteReq delete(Choices c) {
        DeleteReq.Options.Builder o = DeleteReq.Options.newBuilder().setStreamIdentifier(stream(c));
        switch (c.u8() % 5) {
            case 0 -> o.setRevision(revision(c));
            case 1 -> o.setNoStream(Empty.getDefaultInstance());
            case 2 -> o.setAny(Empty.getDefaultInstance());
            case 3 -> o.setStreamExists(Empty.getDefaultInstance());
            default -> { }
        }
        return DeleteReq.newBuilder().setOptions(o).build();
    }

    private static TombstoneReq tombstone(Choices c) {
        TombstoneReq.Options.Builder o = TombstoneReq.Options.newBuilder().setStreamIdentifier(stream(c));
        switch (c.u8() % 5) {
            case 0 -> o.setRevision(revision(c));
            case 1 -> o.setNoStream(Empty.getDefaultInstance());
            case 2 -> o.setAny(Empty.getDefaultInstance());
            case 3 -> o.setStreamExists(Empty.getDefaultInstance());
            default -> { }
        }
        return TombstoneReq.newBuilder().setOptions(o).build();
    }

    /** The v2 services in built mode: the hostile names and revisions in their own shapes. */
    private static List<MessageLite> v2(Choices c, int kind) {
        if (kind == 5) {
            List<MessageLite> requests = new ArrayList<>();
            int n = c.u8() % 4;
            for (int i = 0; i < n; i++) {
                AppendRequest.Builder r = AppendRequest.newBuilder().setStream(text(c))
                        .setExpectedRevision(revision(c));
                int records = c.u8() % 4;
                for (int k = 0; k < records; k++) {
                    r.addRecords(record(c));
                }
                requests.add(r.build());
            }
            return requests;
        }
        AppendRecordsRequest.Builder r = AppendRecordsRequest.newBuilder();
        int records = c.u8() % 4;
        for (int k = 0; k < records; k++) {
            r.addRecords(record(c).toBuilder().setStream(text(c)));
        }
        return List.of(r.build());
    }

    private static dev.cairn.protocol.v2.streams.AppendRecord record(Choices c) {
        dev.cairn.protocol.v2.streams.AppendRecord.Builder r = dev.cairn.protocol.v2.streams.AppendRecord.newBuilder()
                .setData(data(c));
        if (c.u8() % 2 == 0) {
            r.setRecordId(c.u8() % 2 == 0 ? java.util.UUID.randomUUID().toString() : text(c));
        }
        return r.build();
    }

    // ---- hostile values ----

    private static StreamIdentifier stream(Choices c) {
        ByteString name = switch (c.u8() % 12) {
            case 0 -> ByteString.EMPTY;
            case 1 -> ByteString.copyFromUtf8("fz-\u0000\n\t\u001b\u007f-" + c.u8());
            case 2 -> ByteString.copyFrom(new byte[] {'f', 'z', (byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xfe});
            case 3 -> ByteString.copyFromUtf8("n".repeat(1 << 20)); // 1 MB
            case 4 -> ByteString.copyFromUtf8("m".repeat(dev.cairn.api.StreamName.MAX_BYTES));
            case 5 -> ByteString.copyFromUtf8("m".repeat(dev.cairn.api.StreamName.MAX_BYTES + 1));
            case 6 -> ByteString.copyFromUtf8("$all");
            case 7 -> ByteString.copyFromUtf8("$$fz-" + c.u8());
            case 8 -> ByteString.copyFromUtf8("$fz-system");
            case 9 -> ByteString.copyFrom(c.bytes(c.u8() % 16));
            default -> ByteString.copyFromUtf8("fz-" + c.u8() % 8);
        };
        return StreamIdentifier.newBuilder().setStreamName(name).build();
    }

    /** A revision, count or position: the edges of the uint64 range and around them. */
    private static long revision(Choices c) {
        return switch (c.u8() % 9) {
            case 0 -> 0;
            case 1 -> -1; // uint64 max, "no position" on the wire
            case 2 -> -2;
            case 3 -> Long.MIN_VALUE;
            case 4 -> Long.MAX_VALUE;
            case 5 -> 1L << 32;
            case 6 -> c.u8();
            default -> c.u64();
        };
    }

    /** A UUID in each wire form, malformed ones included; null for none. */
    private static UUID uuid(Choices c) {
        return switch (c.u8() % 8) {
            case 0 -> null;
            case 1 -> UUID.newBuilder().setStructured(UUID.Structured.newBuilder()).build(); // nil
            case 2 -> UUID.newBuilder().setString("not-a-uuid").build();
            case 3 -> UUID.newBuilder().setString("").build();
            case 4 -> UUID.newBuilder().setString("0".repeat(1000)).build();
            case 5 -> UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()).build();
            case 6 -> UUID.newBuilder().setString(text(c)).build();
            default -> UUID.newBuilder().setStructured(UUID.Structured.newBuilder().setMostSignificantBits(c.u64())
                    .setLeastSignificantBits(c.u64())).build();
        };
    }

    private static String regex(Choices c) {
        return switch (c.u8() % 10) {
            case 0 -> "(a+)+$";
            case 1 -> "a{1000000}";
            case 2 -> "[";
            case 3 -> "((a*)*)*b";
            case 4 -> "(?<n>fz)\\k<n>\\1";
            case 5 -> "(.*){1,32000}[bc]";
            case 6 -> "^fz-.*";
            case 7 -> "\\";
            default -> text(c);
        };
    }

    private interface Metadata {
        void put(String key, String value);
    }

    private static void metadata(Choices c, Metadata m) {
        switch (c.u8() % 6) {
            case 0 -> { } // none: no type, no content type
            case 1 -> m.put("type", "");
            case 2 -> m.put("type", "t".repeat(70_000));
            case 3 -> m.put("type", "fz-\u0000\u0001");
            default -> m.put("type", "FuzzEvent");
        }
        switch (c.u8() % 5) {
            case 0 -> { }
            case 1 -> m.put("content-type", "");
            case 2 -> m.put("content-type", "text/\u0000" + text(c));
            case 3 -> m.put("content-type", "application/octet-stream");
            default -> m.put("content-type", "application/json");
        }
        if (c.u8() % 8 == 0) {
            m.put(text(c), text(c));
        }
    }

    private static ByteString data(Choices c) {
        return switch (c.u8() % 8) {
            case 0 -> ByteString.EMPTY;
            case 1 -> ByteString.copyFrom(new byte[1 << 20]); // 1 MB
            case 2 -> ByteString.copyFromUtf8("{\"broken\":");
            default -> ByteString.copyFrom(c.bytes(c.u8() % 64));
        };
    }

    /** A short string from the input: anything, control characters and lone surrogates included. */
    private static String text(Choices c) {
        byte[] raw = c.bytes(c.u8() % 24);
        return c.u8() % 2 == 0 ? new String(raw, StandardCharsets.ISO_8859_1)
                : new String(raw, StandardCharsets.UTF_8) + (c.u8() % 4 == 0 ? "\ud800" : "");
    }

    /** Reads choices from the input; past its end every choice is 0. Not thread-safe. */
    private static final class Choices {
        private final byte[] input;
        private int at;

        Choices(byte[] input, int at) {
            this.input = input;
            this.at = at;
        }

        int remaining() {
            return Math.max(0, input.length - at);
        }

        int u8() {
            return at < input.length ? input[at++] & 0xff : 0;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long u64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | u8();
            }
            return v;
        }

        byte[] bytes(int n) {
            int take = Math.min(n, remaining());
            byte[] b = java.util.Arrays.copyOfRange(input, at, at + take);
            at += take;
            return b;
        }
    }
}
