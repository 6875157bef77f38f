package dev.cairn.server.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.protocol.streams.AppendReq;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the messages of an Append call. Nearly all of them are an event's {@code proposed_message},
 * and building it as a generated message costs a builder per message and per id, and a map entry
 * message per metadata key: about a fifth of an event loop's time at 100-event appends. Those are
 * read straight from the wire into a {@link Proposed} here. Anything of another shape (the options,
 * a field given twice where protobuf would merge, malformed bytes) is left to the generated parser,
 * which stays the authority: it is what every message was parsed with before, and what decides the
 * error of a malformed one.
 *
 * <p>The same rules as the generated code: fields in any order, unknown fields and fields with an
 * unexpected wire type skipped, the last of a map key's entries and of a repeated scalar or bytes
 * field wins, a missing map key or value is the empty string, strings must be valid UTF-8.
 * {@code AppendReqDecoderTest} compares the two on generated and hand-made bytes.
 */
final class AppendReqDecoder {

    /** {@code AppendReq.proposed_message}: field 2, length-delimited. */
    private static final int PROPOSED_MESSAGE = 2 << 3 | 2;
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

    /**
     * An event's proposed message as the wire gave it, before the checks {@link Wire#eventData(Proposed)}
     * makes: the id's form ({@code hasId} and then a structured id, a string or neither), the
     * {@code type} and {@code content-type} metadata (null when absent), the bytes.
     */
    record Proposed(boolean hasId, boolean structured, long mostSignificant, long leastSignificant, String idString,
            String type, String contentType, byte[] data, byte[] customMetadata) {
    }

    private AppendReqDecoder() {
    }

    /** The request marshaller of Append: parses into a {@link Proposed} or an {@link AppendReq}. */
    static MethodDescriptor.Marshaller<Object> marshaller() {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Object value) {
                return ((AppendReq) value).toByteString().newInput(); // a server never sends a request
            }

            @Override
            public Object parse(InputStream stream) {
                try {
                    return AppendReqDecoder.parse(bytes(stream));
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
     * An Append message: a {@link Proposed} when it is a proposed message of the usual shape, else
     * the generated message.
     */
    static Object parse(byte[] message) throws InvalidProtocolBufferException {
        Proposed proposed;
        try {
            proposed = proposed(CodedInputStream.newInstance(message));
        } catch (IOException | RuntimeException e) {
            proposed = null; // malformed: the generated parser says how
        }
        return proposed != null ? proposed : AppendReq.parseFrom(message);
    }

    /** The message's proposed message, or null when the message is anything but exactly one. */
    private static Proposed proposed(CodedInputStream in) throws IOException {
        if (in.readTag() != PROPOSED_MESSAGE) {
            return null;
        }
        int outer = in.pushLimit(in.readRawVarint32());
        Proposed proposed = new Reading().proposedMessage(in);
        in.popLimit(outer);
        return proposed != null && in.isAtEnd() ? proposed : null;
    }

    /**
     * One proposed message as it is read: its fields so far. Each step answers false when the
     * message has a shape left to the generated parser.
     */
    private static final class Reading {
        private boolean hasId;
        private int idForm; // 0: value not set, STRUCTURED or STRING
        private long most;
        private long least;
        private String idString;
        private String type;
        private String contentType;
        private byte[] data = NONE;
        private byte[] customMetadata = NONE;

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
            return new Proposed(hasId, idForm == STRUCTURED, most, least, idString, type, contentType, data,
                    customMetadata);
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
                    if (tag == STRING) {
                        idString = in.readStringRequireUtf8();
                    } else if (!structured(in)) {
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

        /** One metadata map entry; only {@code type} and {@code content-type} are kept. */
        private boolean entry(CodedInputStream in) throws IOException {
            int limit = in.pushLimit(in.readRawVarint32());
            String key = "";
            String value = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == KEY) {
                    key = in.readStringRequireUtf8();
                } else if (tag == VALUE) {
                    value = in.readStringRequireUtf8();
                } else if (!in.skipField(tag)) {
                    return false;
                }
            }
            in.popLimit(limit);
            if (key.equals("type")) {
                type = value;
            } else if (key.equals("content-type")) {
                contentType = value;
            }
            return true;
        }
    }
}
