package dev.cairn.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.server.ServerLimits;
import dev.cairn.server.TestNode;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each configured bound, exceeded on purpose: the call over the limit gets
 * {@code RESOURCE_EXHAUSTED} with a message naming the limit, everything within it keeps working,
 * a slot given back can be taken again, and the node stays healthy (ready, appending, reading).
 */
class ResourceLimitsTest {

    @TempDir
    Path dir;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Context.CancellableContext> calls = new ArrayList<>();
    private TestNode node;

    private TestNode start(ServerLimits limits) {
        node = TestNode.start(TestNode.optionsBuilder(dir).build(), limits);
        return node;
    }

    @AfterEach
    void stop() throws InterruptedException {
        calls.forEach(c -> c.cancel(null));
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void subscriptionsPerConnectionAreBounded() throws Exception {
        start(new ServerLimits(100, 100, ServerLimits.DEFAULT_MAX_MESSAGE_BYTES, 2));
        ManagedChannel one = channel();
        BlockingQueue<Object> first = subscribe(one, "s-1");
        BlockingQueue<Object> second = subscribe(one, "s-2");
        assertThat(first.poll(10, TimeUnit.SECONDS)).isInstanceOf(ReadResp.class);
        assertThat(second.poll(10, TimeUnit.SECONDS)).isInstanceOf(ReadResp.class);

        StatusRuntimeException refused = (StatusRuntimeException) subscribe(one, "s-3").poll(10, TimeUnit.SECONDS);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription()).contains("at most 2")
                .contains("max-subscriptions-per-connection");

        assertThat(subscribe(channel(), "s-3").poll(10, TimeUnit.SECONDS)).as("another connection has its own slots")
                .isInstanceOf(ReadResp.class);
        calls.getFirst().cancel(null);
        assertThat(awaitConfirmation(one, "s-4")).as("a cancelled subscription gives its slot back").isTrue();
        assertHealthy();
    }

    @Test
    void concurrentCallsAreBounded() throws Exception {
        start(new ServerLimits(100, 3, ServerLimits.DEFAULT_MAX_MESSAGE_BYTES, 100));
        ManagedChannel channel = channel();
        for (int i = 0; i < 3; i++) {
            assertThat(subscribe(channel, "s-" + i).poll(10, TimeUnit.SECONDS)).isInstanceOf(ReadResp.class);
        }
        assertThatThrownBy(() -> append(channel, "a", 10))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("at most 3").contains("max-concurrent-calls");
                });
        calls.getFirst().cancel(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                append(channel, "a", 10);
                break;
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(System.nanoTime()).as("the cancelled call's slot came back").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        calls.forEach(c -> c.cancel(null));
        assertHealthy();
    }

    @Test
    void connectionsAreBoundedWithAClearErrorForTheOfficialClient() throws Exception {
        start(new ServerLimits(2, 100, ServerLimits.DEFAULT_MAX_MESSAGE_BYTES, 100));
        ManagedChannel first = channel();
        ManagedChannel second = channel();
        append(first, "a", 10);
        append(second, "a", 10);

        KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(
                node.connectionString() + "&maxDiscoverAttempts=1"));
        try {
            assertThatThrownBy(() -> client.appendToStream("c", EventData.builderAsJson("E",
                    "{}".getBytes(StandardCharsets.UTF_8)).build()).get(20, TimeUnit.SECONDS))
                    .hasStackTraceContaining("too many connections").hasStackTraceContaining("max-connections");
        } finally {
            client.shutdown().get(10, TimeUnit.SECONDS);
        }
        // node.client (the TestNode's own) never connected: it is the over-limit one if used now
        first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        ManagedChannel third = channel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                append(third, "a", 10);
                break;
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getDescription()).contains("too many connections");
                assertThat(System.nanoTime()).as("a connection closed, so a new one is served").isLessThan(deadline);
                third.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                third = channel();
                Thread.sleep(100);
            }
        }
        second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        third.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        assertHealthy();
    }

    @Test
    void messageSizeIsBounded() throws Exception {
        start(new ServerLimits(100, 100, 64 << 10, 100));
        ManagedChannel channel = channel();
        assertThatThrownBy(() -> append(channel, "big", 100 << 10))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        append(channel, "small", 1 << 10);
        assertHealthy();
    }

    // ---- helpers ----

    private ManagedChannel channel() {
        ManagedChannel c = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    /** A subscription to {@code stream}; its first message (or its error) goes into the queue. */
    private BlockingQueue<Object> subscribe(ManagedChannel channel, String stream) {
        BlockingQueue<Object> first = new LinkedBlockingQueue<>();
        Context.CancellableContext ctx = Context.current().withCancellation();
        calls.add(ctx);
        ReadReq request = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                .setStream(ReadReq.Options.StreamOptions.newBuilder().setStreamIdentifier(id(stream))
                        .setStart(Empty.getDefaultInstance()))
                .setReadDirection(ReadReq.Options.ReadDirection.Forwards)
                .setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
                .setNoFilter(Empty.getDefaultInstance())
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Empty.getDefaultInstance())))
                .build();
        ctx.run(() -> StreamsGrpc.newStub(channel).read(request, new StreamObserver<>() {
            @Override
            public void onNext(ReadResp value) {
                first.offer(value);
            }

            @Override
            public void onError(Throwable t) {
                first.offer(t);
            }

            @Override
            public void onCompleted() {
                first.offer("completed");
            }
        }));
        return first;
    }

    private boolean awaitConfirmation(ManagedChannel channel, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Object first = subscribe(channel, stream).poll(10, TimeUnit.SECONDS);
            if (first instanceof ReadResp) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static StreamIdentifier id(String stream) {
        return StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)).build();
    }

    /** Appends one event of {@code size} data bytes; throws the call's status on failure. */
    private static AppendResp append(ManagedChannel channel, String stream, int size) throws Exception {
        CompletableFuture<AppendResp> done = new CompletableFuture<>();
        StreamObserver<AppendReq> requests = StreamsGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .append(new StreamObserver<>() {
                    @Override
                    public void onNext(AppendResp value) {
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder().setStreamIdentifier(id(stream))
                .setAny(Empty.getDefaultInstance())).build());
        requests.onNext(AppendReq.newBuilder().setProposedMessage(AppendReq.ProposedMessage.newBuilder()
                .setId(UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()))
                .putMetadata("type", "E").putMetadata("content-type", "application/octet-stream")
                .setData(ByteString.copyFrom(new byte[size]))).build());
        requests.onCompleted();
        try {
            return done.get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Ready, and a fresh connection appends and reads. */
    private void assertHealthy() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port()
                    + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(204);
        }
        ManagedChannel fresh = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try {
            append(fresh, "healthy", 10);
            List<ReadResp> read = new ArrayList<>();
            StreamsGrpc.newBlockingStub(fresh).withDeadlineAfter(10, TimeUnit.SECONDS).read(ReadReq.newBuilder()
                    .setOptions(ReadReq.Options.newBuilder().setStream(ReadReq.Options.StreamOptions.newBuilder()
                            .setStreamIdentifier(id("healthy")).setStart(Empty.getDefaultInstance()))
                            .setReadDirection(ReadReq.Options.ReadDirection.Forwards).setCount(10)
                            .setNoFilter(Empty.getDefaultInstance())
                            .setUuidOption(ReadReq.Options.UUIDOption.newBuilder()
                                    .setStructured(Empty.getDefaultInstance())))
                    .build()).forEachRemaining(read::add);
            assertThat(read).isNotEmpty();
        } finally {
            fresh.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
