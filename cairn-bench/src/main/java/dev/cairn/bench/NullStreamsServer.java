package dev.cairn.bench;

import com.google.protobuf.ByteString;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measuring instrument for {@code bench client-ceiling}, never a database: a grpc-java server
 * whose {@code Streams.Append} stores nothing and answers every append at once with a success, and
 * whose {@code Streams.Read} answers a stream read with {@code STREAM_EVENTS} events and a
 * {@code $all} read with {@code ALL_EVENTS} (fewer if the read asks for fewer): the same prebuilt
 * 200-byte JSON event each time, sent as fast as the client takes them. Both run on the transport
 * thread. Every other method answers {@code UNIMPLEMENTED}, which the official client accepts from
 * a server without optional features. What a client achieves against it is the most that client can
 * achieve on this machine against any server.
 *
 * <p>Run as its own process ({@link #main}, arguments {@code STREAM_EVENTS ALL_EVENTS}): it prints
 * {@code ready PORT} when it listens on a free loopback port, and stops when its standard input
 * closes.
 */
public final class NullStreamsServer {

    static final String READY = "ready ";

    private NullStreamsServer() {
    }

    public static void main(String[] args) throws Exception {
        long streamEvents = Long.parseLong(args[0]);
        long allEvents = Long.parseLong(args[1]);
        AtomicLong position = new AtomicLong();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(new StreamsGrpc.StreamsImplBase() {
                    @Override
                    public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responses) {
                        return new NullAppend(responses, position);
                    }

                    @Override
                    public void read(ReadReq request, StreamObserver<ReadResp> responses) {
                        ReadReq.Options o = request.getOptions();
                        long available = o.hasStream() ? streamEvents : allEvents;
                        long count = o.getCountOptionCase() == ReadReq.Options.CountOptionCase.COUNT
                                ? Math.min(o.getCount(), available) : available;
                        new NullRead((ServerCallStreamObserver<ReadResp>) responses, count,
                                event(o.getUuidOption().hasStructured())).start();
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

    /** The one event every read answers with. */
    private static ReadResp event(boolean structuredId) {
        java.util.UUID id = java.util.UUID.randomUUID();
        UUID wireId = structuredId
                ? UUID.newBuilder().setStructured(UUID.Structured.newBuilder()
                        .setMostSignificantBits(id.getMostSignificantBits())
                        .setLeastSignificantBits(id.getLeastSignificantBits())).build()
                : UUID.newBuilder().setString(id.toString()).build();
        return ReadResp.newBuilder().setEvent(ReadResp.ReadEvent.newBuilder()
                .setEvent(ReadResp.ReadEvent.RecordedEvent.newBuilder()
                        .setId(wireId)
                        .setStreamIdentifier(StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8("null")))
                        .putMetadata("type", BenchEvents.TYPE)
                        .putMetadata("content-type", "application/json")
                        .putMetadata("created", "0")
                        .setData(ByteString.copyFrom(new BenchEvents(1).randomPayload())))
                .setCommitPosition(0))
                .build();
    }

    /** One Read call: sends {@code count} copies of an event while the transport takes them, then ends. */
    private static final class NullRead {
        private final ServerCallStreamObserver<ReadResp> responses;
        private final long count;
        private final ReadResp event;
        private long sent;
        private boolean ended;

        NullRead(ServerCallStreamObserver<ReadResp> responses, long count, ReadResp event) {
            this.responses = responses;
            this.count = count;
            this.event = event;
        }

        void start() {
            responses.setOnCancelHandler(() -> ended = true);
            responses.setOnReadyHandler(this::send);
            send();
        }

        private void send() {
            while (!ended && sent < count && responses.isReady()) {
                responses.onNext(event);
                sent++;
            }
            if (!ended && sent == count) {
                ended = true;
                responses.onCompleted();
            }
        }
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
