package dev.cairn.server.grpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.protocol.streams.ReadResp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the {@code ReadResp} that carries one event (reads, catch-up and persistent
 * subscriptions) straight into protobuf's wire format: the bytes the generated code serializes
 * {@code ReadResp.newBuilder().setEvent(Wire.readEvent(..))} to, or for a persistent subscription
 * {@code setEvent(PersistentWire.readEvent(..))}. Built the usual way, each event cost a builder
 * per message, three map entries made twice (once to size them, once to write them) and the
 * serialization of the whole tree on the event loop: about a third of the node's CPU while serving
 * a read. The bytes go out as an {@link EncodedReadResp}, which the Read method's marshaller writes
 * as they are.
 *
 * <p>Field presence follows proto3 as the generated code does: scalar fields with their default
 * value (0, empty) are left out, message fields and the oneof members ({@code commit_position},
 * {@code retry_count}) are written when set, and a map entry always carries its key and value.
 *
 * <p>Not thread-safe: one per call; it remembers the last stream's name, event type and content
 * type in UTF-8, so a read of one stream encodes each once, and the map's keys are encoded once
 * for all.
 */
final class ReadEventEncoder {

    // ReadResp
    private static final int READ_RESP_EVENT = 1;
    // ReadEvent
    private static final int EVENT = 1;
    private static final int LINK = 2;
    private static final int COMMIT_POSITION = 3;
    private static final int RETRY_COUNT = 5; // persistent subscriptions' ReadEvent only
    // ReadEvent.RecordedEvent
    private static final int ID = 1;
    private static final int STREAM_IDENTIFIER = 2;
    private static final int STREAM_REVISION = 3;
    private static final int PREPARE_POSITION = 4;
    private static final int RECORDED_COMMIT_POSITION = 5;
    private static final int METADATA = 6;
    private static final int CUSTOM_METADATA = 7;
    private static final int DATA = 8;
    // UUID, UUID.Structured, StreamIdentifier, map entries
    private static final int UUID_STRUCTURED = 1;
    private static final int UUID_STRING = 2;
    private static final int MOST_SIGNIFICANT_BITS = 1;
    private static final int LEAST_SIGNIFICANT_BITS = 2;
    private static final int STREAM_NAME = 3;
    private static final int KEY = 1;
    private static final int VALUE = 2;

    private static final Message PERSISTENT_READ_RESP =
            dev.cairn.protocol.persistentsubscriptions.ReadResp.getDefaultInstance();

    /** The metadata map's keys, each as its entry's whole {@code key} field (tag, length, bytes). */
    private static final byte[] TYPE_KEY = keyField("type");
    private static final byte[] CONTENT_TYPE_KEY = keyField("content-type");
    private static final byte[] CREATED_KEY = keyField("created");

    private final boolean structuredIds;
    private final Utf8Memo streamNames = new Utf8Memo();
    private final Utf8Memo types = new Utf8Memo();
    private final Utf8Memo contentTypes = new Utf8Memo();

    ReadEventEncoder(boolean structuredIds) {
        this.structuredIds = structuredIds;
    }

    /** The streams service's {@code ReadResp} carrying {@code resolved}: its {@code event} (1), nothing else. */
    EncodedReadResp readResp(ResolvedEvent resolved) {
        return encode(resolved, false, 0, ReadResp.getDefaultInstance());
    }

    /**
     * The persistent subscriptions service's {@code ReadResp} carrying {@code resolved} to a
     * consumer: its {@code event} (1), whose {@code ReadEvent} also has the {@code retry_count}.
     */
    EncodedReadResp persistentReadResp(ResolvedEvent resolved, int retryCount) {
        return encode(resolved, true, retryCount, PERSISTENT_READ_RESP);
    }

    private EncodedReadResp encode(ResolvedEvent resolved, boolean withRetryCount, int retryCount, Message prototype) {
        RecordedEvent event = resolved.event();
        RecordedEvent link = resolved.link();
        Sizes eventSizes = event == null ? null : sizes(event);
        Sizes linkSizes = link == null ? null : sizes(link);
        int size = CodedOutputStream.computeUInt64Size(COMMIT_POSITION, resolved.position().commit());
        if (withRetryCount) {
            size += CodedOutputStream.computeInt32Size(RETRY_COUNT, retryCount);
        }
        if (eventSizes != null) {
            size += nested(EVENT, eventSizes.message);
        }
        if (linkSizes != null) {
            size += nested(LINK, linkSizes.message);
        }
        byte[] bytes = new byte[nested(READ_RESP_EVENT, size)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            header(out, READ_RESP_EVENT, size);
            if (eventSizes != null) {
                write(out, EVENT, event, eventSizes);
            }
            if (linkSizes != null) {
                write(out, LINK, link, linkSizes);
            }
            out.writeUInt64(COMMIT_POSITION, resolved.position().commit());
            if (withRetryCount) {
                out.writeInt32(RETRY_COUNT, retryCount);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a read event: the computed size was wrong", e);
        }
        return new EncodedReadResp(bytes, prototype);
    }

    /** What one RecordedEvent's encoding needs twice: its strings in UTF-8 and its nested sizes. */
    private static final class Sizes {
        byte[] streamName;
        byte[] type;
        byte[] contentType;
        byte[] created;
        byte[] stringId; // the string form, when ids are not structured
        int id;
        int structured; // the UUID.Structured inside id, when ids are structured
        int streamIdentifier;
        int typeEntry;
        int contentTypeEntry;
        int createdEntry;
        int message;
    }

    private Sizes sizes(RecordedEvent e) {
        Sizes s = new Sizes();
        s.streamName = streamNames.bytes(e.stream().value());
        s.type = types.bytes(e.type().value());
        s.contentType = contentTypes.bytes(e.contentType().mimeType());
        s.created = decimal(Wire.ticksSinceEpoch(e.created()));
        if (structuredIds) {
            s.structured = int64Size(MOST_SIGNIFICANT_BITS, e.id().getMostSignificantBits())
                    + int64Size(LEAST_SIGNIFICANT_BITS, e.id().getLeastSignificantBits());
            s.id = nested(UUID_STRUCTURED, s.structured);
        } else {
            s.stringId = e.id().toString().getBytes(StandardCharsets.ISO_8859_1); // hex digits and dashes
            s.id = CodedOutputStream.computeByteArraySize(UUID_STRING, s.stringId);
        }
        s.streamIdentifier = s.streamName.length == 0 ? 0
                : CodedOutputStream.computeByteArraySize(STREAM_NAME, s.streamName);
        s.typeEntry = entrySize(TYPE_KEY, s.type);
        s.contentTypeEntry = entrySize(CONTENT_TYPE_KEY, s.contentType);
        s.createdEntry = entrySize(CREATED_KEY, s.created);
        s.message = nested(ID, s.id)
                + nested(STREAM_IDENTIFIER, s.streamIdentifier)
                + uint64Size(STREAM_REVISION, e.revision())
                + uint64Size(PREPARE_POSITION, e.position().prepare())
                + uint64Size(RECORDED_COMMIT_POSITION, e.position().commit())
                + nested(METADATA, s.typeEntry) + nested(METADATA, s.contentTypeEntry)
                + nested(METADATA, s.createdEntry)
                + bytesSize(CUSTOM_METADATA, e.metadata())
                + bytesSize(DATA, e.data());
        return s;
    }

    private void write(CodedOutputStream out, int field, RecordedEvent e, Sizes s) throws IOException {
        header(out, field, s.message);
        header(out, ID, s.id);
        if (structuredIds) {
            header(out, UUID_STRUCTURED, s.structured);
            writeInt64(out, MOST_SIGNIFICANT_BITS, e.id().getMostSignificantBits());
            writeInt64(out, LEAST_SIGNIFICANT_BITS, e.id().getLeastSignificantBits());
        } else {
            out.writeByteArray(UUID_STRING, s.stringId);
        }
        header(out, STREAM_IDENTIFIER, s.streamIdentifier);
        if (s.streamName.length > 0) {
            out.writeByteArray(STREAM_NAME, s.streamName);
        }
        writeUInt64(out, STREAM_REVISION, e.revision());
        writeUInt64(out, PREPARE_POSITION, e.position().prepare());
        writeUInt64(out, RECORDED_COMMIT_POSITION, e.position().commit());
        writeEntry(out, s.typeEntry, TYPE_KEY, s.type);
        writeEntry(out, s.contentTypeEntry, CONTENT_TYPE_KEY, s.contentType);
        writeEntry(out, s.createdEntry, CREATED_KEY, s.created);
        if (e.metadata().length > 0) {
            out.writeByteArray(CUSTOM_METADATA, e.metadata());
        }
        if (e.data().length > 0) {
            out.writeByteArray(DATA, e.data());
        }
    }

    /** The UTF-8 bytes of the last string asked for: a call's events mostly share their names. */
    private static final class Utf8Memo {
        private String last;
        private byte[] bytes;

        byte[] bytes(String value) {
            if (!value.equals(last)) {
                bytes = value.getBytes(StandardCharsets.UTF_8);
                last = value;
            }
            return bytes;
        }
    }

    /** {@code value} in decimal ASCII digits, as {@code Long.toString} writes it. */
    static byte[] decimal(long value) {
        if (value < 0) {
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII); // no such tick count, but exact
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        byte[] bytes = new byte[digits];
        for (int i = digits - 1; i >= 0; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return bytes;
    }

    /** A map entry's {@code key} field as it goes on the wire. */
    private static byte[] keyField(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] field = new byte[CodedOutputStream.computeByteArraySize(KEY, bytes)];
        CodedOutputStream out = CodedOutputStream.newInstance(field);
        try {
            out.writeByteArray(KEY, bytes);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return field;
    }

    /** Tag, length and body of a message field whose body is {@code size} bytes. */
    private static int nested(int field, int size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private static void header(CodedOutputStream out, int field, int size) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
    }

    private static int entrySize(byte[] keyField, byte[] value) {
        return keyField.length + CodedOutputStream.computeByteArraySize(VALUE, value);
    }

    private static void writeEntry(CodedOutputStream out, int size, byte[] keyField, byte[] value) throws IOException {
        header(out, METADATA, size);
        out.writeRawBytes(keyField);
        out.writeByteArray(VALUE, value);
    }

    private static int uint64Size(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, value);
    }

    private static void writeUInt64(CodedOutputStream out, int field, long value) throws IOException {
        if (value != 0) {
            out.writeUInt64(field, value);
        }
    }

    private static int int64Size(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeInt64Size(field, value);
    }

    private static void writeInt64(CodedOutputStream out, int field, long value) throws IOException {
        if (value != 0) {
            out.writeInt64(field, value);
        }
    }

    private static int bytesSize(int field, byte[] bytes) {
        return bytes.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(field, bytes);
    }
}
