package dev.cairn.server.grpc;

import com.google.protobuf.AbstractMessage;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A {@code ReadResp} (of the streams or the persistent subscriptions service) already in wire
 * format ({@link ReadEventEncoder}). Sending it costs what its bytes cost: Armeria asks a response
 * only for {@link #getSerializedSize()} and {@link #writeTo}. Anything else asked of it (fields,
 * equality, text) is answered by the message its bytes parse to, parsed on first use, so it is a
 * faithful {@code ReadResp} wherever it goes.
 *
 * <p>Immutable; its bytes are never modified.
 */
final class EncodedReadResp extends AbstractMessage {

    private final byte[] bytes;
    private final Message prototype;
    private volatile Message parsed;

    /** {@code prototype}: the default instance of the message type the bytes are. */
    EncodedReadResp(byte[] bytes, Message prototype) {
        this.bytes = bytes;
        this.prototype = prototype;
    }

    /**
     * {@code generated}, a service's generated binding, with {@code method} bound to
     * {@code handler} instead, whose responses may be encoded ones: the same method (name, type,
     * request marshaller) with a response marshaller that writes any message as its bytes.
     * Registered with Armeria's {@code addService(service, definitionFactory)}, the service class's
     * annotations still apply.
     */
    static <Q, R extends Message> ServerServiceDefinition rebind(ServerServiceDefinition generated,
            MethodDescriptor<Q, R> method, R prototype, ServerCallHandler<Q, Message> handler) {
        MethodDescriptor<Q, Message> rebound = method.toBuilder(method.getRequestMarshaller(), marshaller(prototype))
                .build();
        return MethodBindings.replace(generated, ServerMethodDefinition.create(rebound, handler));
    }

    /** Writes any message as its bytes; parses as {@code prototype}'s type. */
    private static MethodDescriptor.PrototypeMarshaller<Message> marshaller(Message prototype) {
        return new MethodDescriptor.PrototypeMarshaller<>() {
            @Override
            public Message getMessagePrototype() {
                return prototype;
            }

            @Override
            public Class<Message> getMessageClass() {
                return Message.class;
            }

            @Override
            public InputStream stream(Message value) {
                return value.toByteString().newInput();
            }

            @Override
            public Message parse(InputStream stream) {
                try {
                    return prototype.getParserForType().parseFrom(stream);
                } catch (IOException e) {
                    throw Status.INTERNAL.withDescription("invalid " + prototype.getDescriptorForType().getName())
                            .withCause(e).asRuntimeException();
                }
            }
        };
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
    Message parsed() {
        Message p = parsed;
        if (p == null) {
            try {
                p = prototype.getParserForType().parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an encoded ReadResp does not parse: " + e.getMessage(), e);
            }
            parsed = p;
        }
        return p;
    }

    @Override
    public Descriptors.Descriptor getDescriptorForType() {
        return prototype.getDescriptorForType();
    }

    @Override
    public Message getDefaultInstanceForType() {
        return prototype;
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
        return prototype.newBuilderForType();
    }

    @Override
    public Message.Builder toBuilder() {
        return parsed().toBuilder();
    }

    @Override
    public Parser<? extends Message> getParserForType() {
        return prototype.getParserForType();
    }
}
