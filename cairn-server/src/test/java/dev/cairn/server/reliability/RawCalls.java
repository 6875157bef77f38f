package dev.cairn.server.reliability;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** gRPC calls with raw request bytes, so that malformed and mutated requests reach a node as they are. Stateless. */
final class RawCalls {

    private RawCalls() {
    }

    /** Messages as their bytes, either way. */
    static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /**
     * Sends raw request bytes on {@code method} (so that mutated bytes reach the node as they are),
     * reads up to {@code maxResponses} responses, then cancels; returns the call's final status.
     */
    static Status call(Channel channel, MethodDescriptor<?, ?> method, List<byte[]> requests, int maxResponses,
            int deadlineSeconds) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(method.getType()).setFullMethodName(method.getFullMethodName())
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        ClientCall<byte[], byte[]> call = channel.newCall(raw,
                CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
        CompletableFuture<Status> done = new CompletableFuture<>();
        int[] received = {0};
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                if (++received[0] >= maxResponses) {
                    call.cancel("enough responses", null);
                } else {
                    call.request(1);
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(status);
            }
        }, new Metadata());
        call.request(1);
        boolean clientStreaming = method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING
                || method.getType() == MethodDescriptor.MethodType.CLIENT_STREAMING;
        for (byte[] r : clientStreaming ? requests : requests.subList(0, Math.min(1, requests.size()))) {
            call.sendMessage(r);
        }
        call.halfClose();
        try {
            return done.get(deadlineSeconds + 5L, TimeUnit.SECONDS);
        } catch (Exception e) {
            call.cancel("the test gave up", e);
            throw new AssertionError("no status within " + (deadlineSeconds + 5) + " s for "
                    + method.getFullMethodName(), e);
        }
    }
}
