package dev.cairn.server.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import dev.cairn.api.EventData;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.BatchAppendReq;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the messages of an Append call. Nearly all of them are an event's {@code proposed_message},
 * and building it as a generated message costs a builder per message and per id, and a map entry
 * message per metadata key: about a fifth of an event loop's time at 100-event appends. Those are
 * read straight from the wire into a {@link Proposed} here, and a call's first message, its
 * {@code options}, into {@link Options} (at single-event appends, half of the messages). Anything of
 * another shape (a field given twice where protobuf would merge, unknown fields in the options,
 * malformed bytes) is left to the generated parser, which stays the authority: it is what every
 * message was parsed with before, and what decides the error of a malformed one.
 *
 * <p>BatchAppend, the Node and .NET clients' append, carries the same proposed messages, several
 * to a request: they are read the same way ({@link #parseBatch}).
 *
 * <p>The same rules as the generated code: fields in any order, unknown fields and fields with an
 * unexpected wire type skipped, the last of a map key's entries and of a repeated scalar or bytes
 * field wins, a missing map key or value is the empty string, strings must be valid UTF-8.
 * {@code AppendReqDecoderTest} compares the two on generated and hand-made bytes.
 */
final class AppendReqDecoder {

    /** {@code AppendReq.options}: field 1, length-delimited. */
    private static final int OPTIONS = 1 << 3 | 2;
    /** {@code AppendReq.proposed_message}: field 2, length-delimited. */
    private static final int PROPOSED_MESSAGE = 2 << 3 | 2;
    /** {@code BatchAppendReq.proposed_messages}: field 3, length-delimited, repeated. */
    private static final int BATCH_PROPOSED_MESSAGES = 3 << 3 | 2;
    /** Fields of {@code Options}: the stream, then the expected state (a oneof; the three without a value are {@code Empty}). */
    private static final int STREAM_IDENTIFIER = 1 << 3 | 2;
    private static final int REVISION = 2 << 3;
    private static final int NO_STREAM = 3 << 3 | 2;
    private static final int ANY = 4 << 3 | 2;
    private static final int STREAM_EXISTS = 5 << 3 | 2;
    /** {@code StreamIdentifier.stream_name}. */
    private static final int STREAM_NAME = 3 << 3 | 2;
    /** Fields of {@code ProposedMessage}. */
    private static final int ID = 1 << 3 | 2;
    private static final int METADATA = 2 << 3 | 2;
    private static final int CUSTOM_METADATA = 3 << 3 | 2;
    private static final int DATA = 4 << 3 | 2;
    /** Fields of {@code UUID} and of its {@code Structured}. */
    private static final int STRUCTURED = 1 << 3 | 2;
    private static final int STRING = 2 << 3 | 2;
    private static final int MOST_SIGNIFICANT = 1 << 3;
    private static final int LEAST_SIGNIFICANT = 2 << 3;
    /** Fields of a map entry. */
    private static final int KEY = 1 << 3 | 2;
    private static final int VALUE = 2 << 3 | 2;

    private static final byte[] NONE = new byte[0];

    /** The metadata keys kept, and the content types the clients send, as their bytes on the wire. */
    private static final byte[] TYPE_KEY = ascii("type");
    private static final byte[] CONTENT_TYPE_KEY = ascii("content-type");
    private static final String JSON = "application/json";
    private static final String BINARY = "application/octet-stream";
    private static final byte[] JSON_BYTES = ascii(JSON);
    private static final byte[] BINARY_BYTES = ascii(BINARY);

    /**
     * An event's proposed message as the wire gave it, before the checks {@link Wire#eventData(Proposed)}
     * makes: the id ({@code hasId}, then its bits when {@code idBits}: a structured id or a string in
     * the canonical form; else a string in any other form, or neither), the {@code type} and
     * {@code content-type} metadata (null when absent), the bytes.
     */
    record Proposed(boolean hasId, boolean idBits, long mostSignificant, long leastSignificant, String idString,
            String type, String contentType, byte[] data, byte[] customMetadata) {
    }

    /**
     * A call's options as the wire gave them: the stream name (the bytes read as UTF-8, as
     * {@code ByteString.toStringUtf8} reads them) and which of the expected states was set,
     * for {@link Wire#expectedState} to check as it does a generated message's.
     */
    record Options(String streamName, boolean hasRevision, long revision, boolean noStream, boolean any,
            boolean streamExists) {

        /** The same of a generated message (an options message of a shape the decoder leaves to the parser). */
        static Options of(AppendReq.Options o) {
            return new Options(o.getStreamIdentifier().getStreamName().toStringUtf8(), o.hasRevision(),
                    o.getRevision(), o.hasNoStream(), o.hasAny(), o.hasStreamExists());
        }
    }

    /**
     * A BatchAppend request: its proposed messages as the wire gave them, and the rest (correlation
     * id, options, {@code is_final}, unknown fields) as the generated message; or, when
     * {@code proposed} is null, the whole request as the generated parser read it.
     */
    record Batch(BatchAppendReq rest, List<Proposed> proposed) {

        /** How many events the request carries. */
        int events() {
            return proposed != null ? proposed.size() : rest.getProposedMessagesCount();
        }

        /** Its {@code i}th event, checked as {@link Wire#eventData} checks any proposed message. */
        EventData event(int i) {
            return proposed != null ? Wire.eventData(proposed.get(i)) : Wire.eventData(rest.getProposedMessages(i));
        }
    }

    private AppendReqDecoder() {
    }

    /** The request marshaller of BatchAppend: parses into a {@link Batch}. */
    static MethodDescriptor.Marshaller<Object> batchMarshaller() {
        return marshaller(AppendReqDecoder::parseBatch);
    }

    /**
     * A BatchAppend request. Its proposed messages are read here when every one has the usual shape;
     * the other fields, in their order, go to the generated parser, so that what it merges or lets
     * the last win stays its call. Anything else (a proposed message of another shape, malformed
     * bytes) is the generated parser's whole.
     */
    static Batch parseBatch(byte[] message) throws InvalidProtocolBufferException {
        Batch read = readOrNull(() -> readBatch(message));
        return read != null ? read : new Batch(BatchAppendReq.parseFrom(message), null);
    }

    private static Batch readBatch(byte[] message) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        List<Proposed> proposed = new ArrayList<>();
        byte[] rest = new byte[Math.min(message.length, 256)];
        int restLength = 0;
        while (true) {
            int start = in.getTotalBytesRead();
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == BATCH_PROPOSED_MESSAGES) {
                int limit = in.pushLimit(in.readRawVarint32());
                Proposed p = new Reading(message).proposedMessage(in);
                if (p == null) {
                    return null;
                }
                in.popLimit(limit);
                proposed.add(p);
            } else {
                if (!in.skipField(tag)) {
                    return null; // an end-group tag
                }
                int length = in.getTotalBytesRead() - start;
                if (restLength + length > rest.length) {
                    rest = Arrays.copyOf(rest, Math.max(rest.length * 2, restLength + length));
                }
                System.arraycopy(message, start, rest, restLength, length);
                restLength += length;
            }
        }
        return new Batch(BatchAppendReq.parseFrom(ByteBuffer.wrap(rest, 0, restLength)), proposed);
    }

    /** The request marshaller of Append: parses into a {@link Proposed} or an {@link AppendReq}. */
    static MethodDescriptor.Marshaller<Object> marshaller() {
        return marshaller(AppendReqDecoder::parse);
    }

    /** Parses a request message's bytes. */
    private interface BytesParser {
        Object parse(byte[] message) throws InvalidProtocolBufferException;
    }

    private static MethodDescriptor.Marshaller<Object> marshaller(BytesParser parser) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Object value) {
                return ((MessageLite) value).toByteString().newInput(); // a server never sends a request
            }

            @Override
            public Object parse(InputStream stream) {
                try {
                    return parser.parse(bytes(stream));
                } catch (InvalidProtocolBufferException e) {
                    throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e)
                            .asRuntimeException();
                } catch (IOException e) {
                    throw Status.INTERNAL.withDescription("cannot read the request message").withCause(e)
                            .asRuntimeException();
                }
            }
        };
    }

    /**
     * The stream's bytes, read in one go when it knows how many it has (Armeria's do): reading
     * it to the end in chunks allocates and clears 16 KiB per message, more than decoding costs.
     */
    private static byte[] bytes(InputStream stream) throws IOException {
        byte[] bytes = new byte[stream.available()];
        int read = stream.readNBytes(bytes, 0, bytes.length);
        int next = stream.read();
        if (read == bytes.length && next < 0) {
            return bytes;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(bytes, 0, read);
        if (next >= 0) {
            all.write(next);
            stream.transferTo(all);
        }
        return all.toByteArray();
    }

    /**
     * An Append message: a {@link Proposed} or {@link Options} when it is a proposed message or
     * options of the usual shape, else the generated message.
     */
    static Object parse(byte[] message) throws InvalidProtocolBufferException {
        Object read = readOrNull(() -> read(message));
        return read != null ? read : AppendReq.parseFrom(message);
    }

    /** What the decoder reads, or null when it leaves the message to the generated parser. */
    private interface Read<T> {
        T read() throws IOException;
    }

    /** {@code read}'s result; null for bytes it cannot read either (malformed: the generated parser says how). */
    private static <T> T readOrNull(Read<T> read) {
        try {
            return read.read();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The message's proposed message or options, or null when the message is anything but exactly
     * one of them in the usual shape.
     */
    private static Object read(byte[] message) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        int tag = in.readTag();
        if (tag != PROPOSED_MESSAGE && tag != OPTIONS) {
            return null;
        }
        int outer = in.pushLimit(in.readRawVarint32());
        Object read = tag == PROPOSED_MESSAGE ? new Reading(message).proposedMessage(in) : options(in);
        in.popLimit(outer);
        return read != null && in.isAtEnd() ? read : null;
    }

    /**
     * The options: a stream identifier holding only its name, and at most one expected state, each
     * once; null for anything else (no stream identifier, unknown fields, an {@code Empty} with
     * content, a field given twice, which protobuf would merge or let the last win).
     */
    private static Options options(CodedInputStream in) throws IOException {
        String stream = null;
        int expected = 0;
        long revision = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == STREAM_IDENTIFIER && stream == null) {
                int limit = in.pushLimit(in.readRawVarint32());
                if (in.readTag() != STREAM_NAME) {
                    return null;
                }
                stream = new String(in.readByteArray(), StandardCharsets.UTF_8); // as ByteString.toStringUtf8
                if (in.readTag() != 0) {
                    return null;
                }
                in.popLimit(limit);
            } else if (tag == REVISION && expected == 0) {
                expected = tag;
                revision = in.readUInt64();
            } else if ((tag == NO_STREAM || tag == ANY || tag == STREAM_EXISTS) && expected == 0
                    && in.readRawVarint32() == 0) {
                expected = tag;
            } else {
                return null;
            }
        }
        return stream == null ? null : new Options(stream, expected == REVISION, revision, expected == NO_STREAM,
                expected == ANY, expected == STREAM_EXISTS);
    }

    /**
     * One proposed message as it is read: its fields so far. Each step answers false when the
     * message has a shape left to the generated parser.
     *
     * <p>Strings are looked at in the message's bytes before any is decoded: the metadata keys and
     * the content types the clients send are compared as bytes, and an id string in the canonical
     * form is read as hex. Decoding these five strings per event was about a tenth of an event
     * loop's time at 100-event appends.
     */
    private static final class Reading {
        private final byte[] message;
        private boolean hasId;
        private int idForm; // 0: value not set, STRUCTURED or STRING
        private long most;
        private long least;
        private String idString;
        private String type;
        private String contentType;
        private byte[] data = NONE;
        private byte[] customMetadata = NONE;

        Reading(byte[] message) {
            this.message = message; // the bytes the CodedInputStream reads, from offset 0
        }

        Proposed proposedMessage(CodedInputStream in) throws IOException {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                boolean read = switch (tag) {
                    case ID -> id(in);
                    case METADATA -> entry(in);
                    case CUSTOM_METADATA -> {
                        customMetadata = in.readByteArray();
                        yield true;
                    }
                    case DATA -> {
                        data = in.readByteArray();
                        yield true;
                    }
                    default -> in.skipField(tag); // false for an end-group tag
                };
                if (!read) {
                    return null;
                }
            }
            return new Proposed(hasId, idString == null && idForm != 0, most, least, idString, type, contentType,
                    data, customMetadata);
        }

        /** The {@code UUID} message; given twice, protobuf would merge the two. */
        private boolean id(CodedInputStream in) throws IOException {
            if (hasId) {
                return false;
            }
            hasId = true;
            int limit = in.pushLimit(in.readRawVarint32());
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == STRUCTURED || tag == STRING) {
                    if (idForm != 0) {
                        return false; // the oneof set twice
                    }
                    idForm = tag;
                    if (tag == STRING ? !idString(in) : !structured(in)) {
                        return false;
                    }
                } else if (!in.skipField(tag)) {
                    return false;
                }
            }
            in.popLimit(limit);
            return true;
        }

        private boolean structured(CodedInputStream in) throws IOException {
            int limit = in.pushLimit(in.readRawVarint32());
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == MOST_SIGNIFICANT) {
                    most = in.readInt64();
                } else if (tag == LEAST_SIGNIFICANT) {
                    least = in.readInt64();
                } else if (!in.skipField(tag)) {
                    return false;
                }
            }
            in.popLimit(limit);
            return true;
        }

        /**
         * A string id: its bits when it is in the canonical form (36 characters, hex digits of either
         * case, dashes at 8, 13, 18 and 23), which {@code java.util.UUID.fromString} reads the same;
         * else the string, for {@link Wire} to parse or refuse as it does a generated message's.
         */
        private boolean idString(CodedInputStream in) throws IOException {
            int length = in.readRawVarint32();
            int at = in.getTotalBytesRead();
            in.skipRawBytes(length); // checks the length against the message
            if (length == 36 && message[at + 8] == '-' && message[at + 13] == '-' && message[at + 18] == '-'
                    && message[at + 23] == '-') {
                long a = hex(at, 8);
                long b = hex(at + 9, 4);
                long c = hex(at + 14, 4);
                long d = hex(at + 19, 4);
                long e = hex(at + 24, 12);
                if ((a | b | c | d | e) >= 0) {
                    most = a << 32 | b << 16 | c;
                    least = d << 48 | e;
                    return true;
                }
            }
            idString = utf8(at, length);
            return idString != null;
        }

        /** The value of {@code count} hex digits (at most 12) at {@code at}; -1 if any byte is not one. */
        private long hex(int at, int count) {
            long value = 0;
            for (int i = at; i < at + count; i++) {
                int digit = Character.digit(message[i], 16); // -1 for a negative byte too
                if (digit < 0) {
                    return -1;
                }
                value = value << 4 | digit;
            }
            return value;
        }

        /** One metadata map entry; only {@code type} and {@code content-type} are kept. */
        private boolean entry(CodedInputStream in) throws IOException {
            int limit = in.pushLimit(in.readRawVarint32());
            int keyAt = 0;
            int keyLength = 0;
            int valueAt = 0;
            int valueLength = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == KEY || tag == VALUE) {
                    int length = in.readRawVarint32();
                    int at = in.getTotalBytesRead();
                    in.skipRawBytes(length); // checks the length against the message
                    if (!validUtf8(at, length)) {
                        return false; // every occurrence must be UTF-8, the overwritten ones too
                    }
                    if (tag == KEY) {
                        keyAt = at;
                        keyLength = length;
                    } else {
                        valueAt = at;
                        valueLength = length;
                    }
                } else if (!in.skipField(tag)) {
                    return false;
                }
            }
            in.popLimit(limit);
            if (is(TYPE_KEY, keyAt, keyLength)) {
                type = string(valueAt, valueLength);
            } else if (is(CONTENT_TYPE_KEY, keyAt, keyLength)) {
                contentType = is(JSON_BYTES, valueAt, valueLength) ? JSON
                        : is(BINARY_BYTES, valueAt, valueLength) ? BINARY
                        : string(valueAt, valueLength);
            }
            return true;
        }

        private boolean is(byte[] expected, int at, int length) {
            return Arrays.equals(message, at, at + length, expected, 0, expected.length);
        }

        private boolean validUtf8(int at, int length) {
            for (int i = at; i < at + length; i++) {
                if (message[i] < 0) {
                    return UnsafeByteOperations.unsafeWrap(message, at, length).isValidUtf8();
                }
            }
            return true;
        }

        /** The string at {@code at}, or null when it is not valid UTF-8. */
        private String utf8(int at, int length) {
            return validUtf8(at, length) ? string(at, length) : null;
        }

        /** The string at {@code at}, already checked to be valid UTF-8. */
        private String string(int at, int length) {
            return new String(message, at, length, StandardCharsets.UTF_8);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
