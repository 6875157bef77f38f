package dev.cairn.bench;

import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measuring instrument for {@code bench client-ceiling}, never a database: a grpc-java server
 * whose {@code Streams.Append} stores nothing and answers every append at once with a success, on
 * the transport thread. Every other method answers {@code UNIMPLEMENTED}, which the official client
 * accepts from a server without optional features. What a client achieves against it is the most
 * that client can achieve on this machine against any server.
 *
 * <p>Run as its own process ({@link #main}): it prints {@code ready PORT} when it listens on a free
 * loopback port, and stops when its standard input closes.
 */
public final class NullStreamsServer {

    static final String READY = "ready ";

    private NullStreamsServer() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong position = new AtomicLong();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(new StreamsGrpc.StreamsImplBase() {
                    @Override
                    public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responses) {
                        return new NullAppend(responses, position);
                    }
                })
                .build()
                .start();
        System.out.println(READY + server.getPort());
        System.out.flush();
        // the parent closes our standard input to stop us, and so does its death
        while (System.in.read() >= 0) {
            // nothing to read: wait for the end
        }
        server.shutdownNow().awaitTermination();
    }

    /** One Append call: counts the proposed events and answers a success when the client half-closes. */
    private static final class NullAppend implements StreamObserver<AppendReq> {
        private final StreamObserver<AppendResp> responses;
        private final AtomicLong position;
        private long events;

        NullAppend(StreamObserver<AppendResp> responses, AtomicLong position) {
            this.responses = responses;
            this.position = position;
        }

        @Override
        public void onNext(AppendReq request) {
            if (request.hasProposedMessage()) {
                events++;
            }
        }

        @Override
        public void onError(Throwable t) {
            // the client went away; nothing to undo
        }

        @Override
        public void onCompleted() {
            long at = position.addAndGet(events);
            responses.onNext(AppendResp.newBuilder().setSuccess(AppendResp.Success.newBuilder()
                    .setCurrentRevision(Math.max(0, events - 1))
                    .setPosition(AppendResp.Position.newBuilder().setCommitPosition(at).setPreparePosition(at)))
                    .build());
            responses.onCompleted();
        }
    }
}
