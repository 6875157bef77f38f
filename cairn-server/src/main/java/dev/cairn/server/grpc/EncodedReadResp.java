package dev.cairn.server.grpc;

import com.google.protobuf.AbstractMessage;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnknownFieldSet;
import dev.cairn.protocol.streams.ReadResp;
import java.io.IOException;
import java.util.Map;

/**
 * A {@code ReadResp} already in wire format ({@link ReadEventEncoder}). Sending it costs what its
 * bytes cost: Armeria asks a response only for {@link #getSerializedSize()} and {@link #writeTo}.
 * Anything else asked of it (fields, equality, text) is answered by the {@code ReadResp} its bytes
 * parse to, parsed on first use, so it is a faithful {@code ReadResp} wherever it goes.
 *
 * <p>Immutable; its bytes are never modified.
 */
final class EncodedReadResp extends AbstractMessage {

    private final byte[] bytes;
    private volatile ReadResp parsed;

    EncodedReadResp(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int getSerializedSize() {
        return bytes.length;
    }

    @Override
    public void writeTo(CodedOutputStream output) throws IOException {
        output.writeRawBytes(bytes);
    }

    /** The message these bytes are. */
    ReadResp parsed() {
        ReadResp p = parsed;
        if (p == null) {
            try {
                p = ReadResp.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an encoded ReadResp does not parse: " + e.getMessage(), e);
            }
            parsed = p;
        }
        return p;
    }

    @Override
    public Descriptors.Descriptor getDescriptorForType() {
        return ReadResp.getDescriptor();
    }

    @Override
    public ReadResp getDefaultInstanceForType() {
        return ReadResp.getDefaultInstance();
    }

    @Override
    public boolean isInitialized() {
        return true; // proto3: no required fields
    }

    @Override
    public Map<Descriptors.FieldDescriptor, Object> getAllFields() {
        return parsed().getAllFields();
    }

    @Override
    public boolean hasField(Descriptors.FieldDescriptor field) {
        return parsed().hasField(field);
    }

    @Override
    public Object getField(Descriptors.FieldDescriptor field) {
        return parsed().getField(field);
    }

    @Override
    public int getRepeatedFieldCount(Descriptors.FieldDescriptor field) {
        return parsed().getRepeatedFieldCount(field);
    }

    @Override
    public Object getRepeatedField(Descriptors.FieldDescriptor field, int index) {
        return parsed().getRepeatedField(field, index);
    }

    @Override
    public boolean hasOneof(Descriptors.OneofDescriptor oneof) {
        return parsed().hasOneof(oneof);
    }

    @Override
    public Descriptors.FieldDescriptor getOneofFieldDescriptor(Descriptors.OneofDescriptor oneof) {
        return parsed().getOneofFieldDescriptor(oneof);
    }

    @Override
    public UnknownFieldSet getUnknownFields() {
        return parsed().getUnknownFields();
    }

    @Override
    public Message.Builder newBuilderForType() {
        return ReadResp.newBuilder();
    }

    @Override
    public Message.Builder toBuilder() {
        return parsed().toBuilder();
    }

    @Override
    public Parser<ReadResp> getParserForType() {
        return ReadResp.parser();
    }
}
