package dev.cairn.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.fault.FaultyChannels;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults under a running node, seen as clients see them: the official Java client for the
 * load and the reads, Cairn's own stub to look at the exact gRPC status, and the HTTP health
 * endpoints. An fdatasync that fails once makes the node fail-stop for writes (it answers
 * {@code UNAVAILABLE} with the reason, reports not-ready on {@code /health/ready}, keeps serving
 * reads) and after a restart nothing acknowledged is lost. A full disk does the same with an error
 * that says the disk is full, nothing of the failed append is visible, and after a restart with
 * space again writes continue.
 */
class StorageFaultsTest {

    @TempDir
    Path dir;

    private final FaultyChannels channels = new FaultyChannels();

    @Test
    void aFailedFdatasyncStopsWritesAnswersUnavailableReportsNotReadyAndLosesNothingAcknowledged() throws Exception {
        List<java.util.UUID> acknowledged = new ArrayList<>();
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).channels(channels).build())) {
            for (int i = 0; i < 10; i++) {
                EventData e = event();
                node.client.appendToStream("orders", AppendToStreamOptions.get()
                        .streamState(i == 0 ? StreamState.noStream() : StreamState.streamRevision(i - 1)), e)
                        .get(10, TimeUnit.SECONDS);
                acknowledged.add(e.getEventId());
            }
            assertThat(get(node, "/health/ready").statusCode()).isEqualTo(204);

            channels.failNextForce();
            assertThatThrownBy(() -> node.client.appendToStream("orders", AppendToStreamOptions.get()
                    .streamState(StreamState.streamRevision(9)), event()).get(10, TimeUnit.SECONDS))
                    .as("the append whose fdatasync failed is not acknowledged")
                    .hasStackTraceContaining("injected fdatasync failure");
            assertThat(channels.failedForces()).isEqualTo(1);

            // the disk "recovered", but nobody knows what the failed sync left: writes stay stopped
            StatusRuntimeException refused = rawAppend(node, "orders");
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.getStatus().getDescription()).contains("stopped accepting writes")
                    .contains("injected fdatasync failure");
            assertThatThrownBy(() -> node.client.appendToStream("other", event()).get(10, TimeUnit.SECONDS))
                    .hasStackTraceContaining("stopped accepting writes");

            HttpResponse<String> ready = get(node, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("fail-stop").contains("injected fdatasync failure");
            assertThat(get(node, "/health/live").statusCode()).as("the process still serves reads").isEqualTo(204);
            assertThat(ids(read(node.client, "orders"))).isEqualTo(acknowledged);
        }

        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).build())) {
            List<java.util.UUID> after = ids(read(node.client, "orders"));
            assertThat(after.size()).as("the acknowledged events, and at most the unacknowledged one besides")
                    .isBetween(acknowledged.size(), acknowledged.size() + 1);
            assertThat(after.subList(0, acknowledged.size())).isEqualTo(acknowledged);
            assertThat(get(node, "/health/ready").statusCode()).isEqualTo(204);
            node.client.appendToStream("orders", AppendToStreamOptions.get()
                    .streamState(StreamState.streamRevision(after.size() - 1)), event()).get(10, TimeUnit.SECONDS);
        }
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
    }

    @Test
    void aFullDiskAnswersAClearErrorShowsNothingHalfWrittenAndWritesContinueAfterARestart() throws Exception {
        List<java.util.UUID> acknowledged = new ArrayList<>();
        List<java.util.UUID> failed = new ArrayList<>();
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).channels(channels).build())) {
            for (int i = 0; i < 4; i++) {
                List<EventData> batch = List.of(event(), event(), event());
                node.client.appendToStream("orders", AppendToStreamOptions.get().streamState(StreamState.any()),
                        batch.iterator()).get(10, TimeUnit.SECONDS);
                batch.forEach(e -> acknowledged.add(e.getEventId()));
            }

            channels.diskFull(true, 100);
            List<EventData> batch = List.of(event(), event(), event(), event());
            batch.forEach(e -> failed.add(e.getEventId()));
            assertThatThrownBy(() -> node.client.appendToStream("orders", AppendToStreamOptions.get()
                    .streamState(StreamState.streamRevision(11)), batch.iterator()).get(10, TimeUnit.SECONDS))
                    .hasStackTraceContaining(FaultyChannels.NO_SPACE);
            StatusRuntimeException refused = rawAppend(node, "orders");
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.getStatus().getDescription()).contains(FaultyChannels.NO_SPACE);
            EventData multi = event();
            failed.add(multi.getEventId());
            assertThatThrownBy(() -> node.client.multiStreamAppend(List.of(
                    new AppendStreamRequest("invoices", List.of(multi).iterator(), StreamState.any())).iterator())
                    .get(10, TimeUnit.SECONDS)).hasStackTraceContaining(FaultyChannels.NO_SPACE);

            assertThat(get(node, "/health/ready").body()).contains(FaultyChannels.NO_SPACE);
            assertThat(ids(read(node.client, "orders"))).isEqualTo(acknowledged);
            assertThat(ids(readAll(node.client))).doesNotContainAnyElementsOf(failed);
        }

        channels.diskFull(false, 0);
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).build())) {
            assertThat(ids(read(node.client, "orders"))).as("nothing half-written after the restart")
                    .isEqualTo(acknowledged);
            assertThat(ids(readAll(node.client))).doesNotContainAnyElementsOf(failed);
            node.client.appendToStream("orders",
                    AppendToStreamOptions.get().streamState(StreamState.streamRevision(11)), event())
                    .get(10, TimeUnit.SECONDS);
            assertThat(read(node.client, "orders")).hasSize(acknowledged.size() + 1);
            assertThat(get(node, "/health/ready").statusCode()).isEqualTo(204);
        }
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
    }

    private static EventData event() {
        return EventData.builderAsJson("Placed", "{\"total\":1}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static List<ResolvedEvent> read(KurrentDBClient client, String stream) throws Exception {
        return client.readStream(stream, ReadStreamOptions.get().fromStart()).get(10, TimeUnit.SECONDS).getEvents();
    }

    private static List<ResolvedEvent> readAll(KurrentDBClient client) throws Exception {
        return client.readAll(ReadAllOptions.get().fromStart()).get(10, TimeUnit.SECONDS).getEvents();
    }

    private static List<java.util.UUID> ids(List<ResolvedEvent> events) {
        return events.stream().map(e -> e.getOriginalEvent().getEventId()).toList();
    }

    private static HttpResponse<String> get(TestNode node, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** An append with Cairn's own stub, to see the status exactly as the node sends it. */
    private static StatusRuntimeException rawAppend(TestNode node, String stream) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try {
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
            requests.onNext(AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder()
                    .setStreamIdentifier(StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)))
                    .setAny(Empty.getDefaultInstance())).build());
            requests.onNext(AppendReq.newBuilder().setProposedMessage(AppendReq.ProposedMessage.newBuilder()
                    .setId(UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()))
                    .putMetadata("type", "Placed").putMetadata("content-type", "application/json")
                    .setData(ByteString.copyFromUtf8("{}"))).build());
            requests.onCompleted();
            try {
                AppendResp response = done.get(10, TimeUnit.SECONDS);
                throw new AssertionError("the append was accepted: " + response);
            } catch (java.util.concurrent.ExecutionException e) {
                return (StatusRuntimeException) e.getCause();
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
