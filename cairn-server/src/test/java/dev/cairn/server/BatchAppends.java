package dev.cairn.server;

import com.google.protobuf.ByteString;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.BatchAppendResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** {@code BatchAppend} calls for tests, sent as the Node and .NET clients send them. */
public final class BatchAppends {

    private BatchAppends() {}

    /** Sends {@code requests} on one call, half-closes it, and returns the answers once it completes. */
    public static List<BatchAppendResp> call(Channel channel, List<BatchAppendReq> requests) throws Exception {
        List<BatchAppendResp> responses = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<BatchAppendReq> out = StreamsGrpc.newStub(channel).batchAppend(new StreamObserver<>() {
            @Override
            public void onNext(BatchAppendResp value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        requests.forEach(out::onNext);
        out.onCompleted();
        done.get(20, TimeUnit.SECONDS);
        return responses;
    }

    /** A fresh correlation id. */
    public static UUID correlation() {
        return UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()).build();
    }

    /** Options naming {@code stream}; the caller adds the expected state. */
    public static BatchAppendReq.Options.Builder options(String stream) {
        return BatchAppendReq.Options.newBuilder()
                .setStreamIdentifier(StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)));
    }

    /** A JSON event {@code {}} of {@code type} with a fresh id. */
    public static BatchAppendReq.ProposedMessage message(String type) {
        return BatchAppendReq.ProposedMessage.newBuilder()
                .setId(correlation())
                .putMetadata("type", type)
                .putMetadata("content-type", "application/json")
                .setData(ByteString.copyFromUtf8("{}"))
                .build();
    }

    /** A whole batch in one request: {@code options} and one event of {@code type}, final. */
    public static BatchAppendReq single(BatchAppendReq.Options.Builder options, String type) {
        return BatchAppendReq.newBuilder().setCorrelationId(correlation()).setOptions(options)
                .addProposedMessages(message(type)).setIsFinal(true).build();
    }
}
