package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.protocol.gossip.ClusterInfo;
import dev.cairn.protocol.gossip.GossipGrpc;
import dev.cairn.protocol.gossip.MemberInfo;
import dev.cairn.protocol.serverfeatures.ServerFeaturesGrpc;
import dev.cairn.protocol.serverfeatures.SupportedMethods;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol at the message level, with Cairn's own stubs: what the official Java client does
 * not reach (filters on $all, gossip, server features, malformed requests, UNIMPLEMENTED).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolTest {

    TestNode node;
    ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = TestNode.start(dir);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.close();
    }

    private StreamsGrpc.StreamsBlockingStub streams() {
        return StreamsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static StreamIdentifier id(String stream) {
        return StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)).build();
    }

    private static AppendReq.ProposedMessage message(String type) {
        java.util.UUID uuid = java.util.UUID.randomUUID();
        return AppendReq.ProposedMessage.newBuilder()
                .setId(UUID.newBuilder().setString(uuid.toString()))
                .putMetadata("type", type)
                .putMetadata("content-type", "application/json")
                .setData(ByteString.copyFromUtf8("{}"))
                .build();
    }

    /** Runs a client-streaming Append with the given requests. */
    private AppendResp append(List<AppendReq> requests) {
        CompletableFuture<AppendResp> result = new CompletableFuture<>();
        StreamObserver<AppendReq> out = StreamsGrpc.newStub(channel).append(new StreamObserver<>() {
            @Override
            public void onNext(AppendResp value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.forEach(out::onNext);
        out.onCompleted();
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private AppendResp append(String stream, String... types) {
        List<AppendReq> requests = new ArrayList<>();
        requests.add(AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder()
                .setStreamIdentifier(id(stream)).setAny(Empty.getDefaultInstance())).build());
        for (String type : types) {
            requests.add(AppendReq.newBuilder().setProposedMessage(message(type)).build());
        }
        return append(requests);
    }

    private static ReadReq.Options.Builder readAll() {
        return ReadReq.Options.newBuilder()
                .setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Empty.getDefaultInstance()))
                .setReadDirection(ReadReq.Options.ReadDirection.Forwards)
                .setCount(10_000)
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setString(Empty.getDefaultInstance()));
    }

    private List<ReadResp> read(ReadReq.Options.Builder options) {
        List<ReadResp> all = new ArrayList<>();
        streams().read(ReadReq.newBuilder().setOptions(options).build()).forEachRemaining(all::add);
        return all;
    }

    @Test
    void readsAllWithStreamAndEventTypeFilters() {
        String prefix = "filtered-" + java.util.UUID.randomUUID();
        append(prefix + "-a", "Wanted", "Other");
        append("elsewhere-" + java.util.UUID.randomUUID(), "Wanted");
        append(prefix + "-b", "Wanted");

        List<ReadResp> byStream = read(readAll().setFilter(ReadReq.Options.FilterOptions.newBuilder()
                .setStreamIdentifier(ReadReq.Options.FilterOptions.Expression.newBuilder().addPrefix(prefix))
                .setCount(Empty.getDefaultInstance())));
        assertThat(byStream).extracting(r -> r.getEvent().getEvent().getStreamIdentifier().getStreamName()
                .toStringUtf8()).containsExactly(prefix + "-a", prefix + "-a", prefix + "-b");
        // the uuid option asked for strings
        assertThat(byStream.get(0).getEvent().getEvent().getId().hasString()).isTrue();

        List<ReadResp> byRegex = read(readAll().setFilter(ReadReq.Options.FilterOptions.newBuilder()
                .setEventType(ReadReq.Options.FilterOptions.Expression.newBuilder().setRegex("^Oth"))
                .setCount(Empty.getDefaultInstance())));
        assertThat(byRegex).extracting(r -> r.getEvent().getEvent().getMetadataMap().get("type"))
                .containsOnly("Other");
    }

    @Test
    void readHonoursTheCountAndDirection() {
        String s = "counted-" + java.util.UUID.randomUUID();
        append(s, "A", "B", "C");
        List<ReadResp> two = read(ReadReq.Options.newBuilder()
                .setStream(ReadReq.Options.StreamOptions.newBuilder().setStreamIdentifier(id(s))
                        .setEnd(Empty.getDefaultInstance()))
                .setReadDirection(ReadReq.Options.ReadDirection.Backwards)
                .setCount(2)
                .setNoFilter(Empty.getDefaultInstance()));
        assertThat(two).extracting(r -> r.getEvent().getEvent().getStreamRevision()).containsExactly(2L, 1L);
        assertThat(two.get(0).getEvent().getEvent().getId().hasStructured()).isTrue();
    }

    @Test
    void aMissingStreamIsReportedInTheStream() {
        List<ReadResp> result = read(ReadReq.Options.newBuilder()
                .setStream(ReadReq.Options.StreamOptions.newBuilder().setStreamIdentifier(id("nope-" + java.util.UUID
                        .randomUUID())).setStart(Empty.getDefaultInstance()))
                .setCount(10));
        assertThat(result).hasSize(1);
        assertThat(result.get(0).hasStreamNotFound()).isTrue();
    }

    @Test
    void aSubscriptionIsConfirmedFirstThenSaysCaughtUp() {
        ReadReq request = ReadReq.newBuilder().setOptions(readAll().setSubscription(
                ReadReq.Options.SubscriptionOptions.getDefaultInstance())).build();
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        try {
            java.util.Iterator<ReadResp> responses = context.call(() -> streams().read(request));
            ReadResp first = responses.next();
            assertThat(first.hasConfirmation()).isTrue();
            assertThat(first.getConfirmation().getSubscriptionId()).isNotBlank();
            ReadResp next = responses.next();
            while (next.hasEvent()) {
                next = responses.next();
            }
            assertThat(next.hasCaughtUp()).as("after the history: " + next).isTrue();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            context.cancel(null);
        }
    }

    @Test
    void aBackwardsSubscriptionIsRefused() {
        ReadReq request = ReadReq.newBuilder().setOptions(readAll()
                .setReadDirection(ReadReq.Options.ReadDirection.Backwards)
                .setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())).build();
        assertThatThrownBy(() -> streams().read(request).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void unknownServicesAnswerUnimplemented() {
        MethodDescriptor<Empty, Empty> unknown = MethodDescriptor.<Empty, Empty>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("event_store.client.no_such_service.NoSuchService/List")
                .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(Empty.getDefaultInstance()))
                .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(Empty.getDefaultInstance()))
                .build();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, unknown,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), Empty.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    @Test
    void malformedAppendsAreInvalidArguments() {
        // events before options
        assertInvalid(() -> append(List.of(AppendReq.newBuilder().setProposedMessage(message("A")).build())));
        // no options at all
        assertInvalid(() -> append(List.of()));
        // no expected state
        assertInvalid(() -> append(List.of(AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder()
                .setStreamIdentifier(id("x"))).build())));
        // an empty stream name
        assertInvalid(() -> append("", "A"));
        // a missing type
        AppendReq options = AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder()
                .setStreamIdentifier(id("typeless")).setAny(Empty.getDefaultInstance())).build();
        assertThatThrownBy(() -> append(List.of(options, AppendReq.newBuilder().setProposedMessage(
                message("A").toBuilder().removeMetadata("type")).build())))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getTrailers().get(GrpcErrors.EXCEPTION)).isEqualTo("missing-required-metadata-property");
                });
        // an id that is not a UUID
        assertInvalid(() -> append(List.of(options, AppendReq.newBuilder().setProposedMessage(
                message("A").toBuilder().setId(UUID.newBuilder().setString("not-a-uuid"))).build())));
        // a reserved event type
        assertInvalid(() -> append("reserved", "$secret"));
    }

    @Test
    void anAppendWithoutEventsOnlyChecksTheExpectedState() {
        String s = "empty-" + java.util.UUID.randomUUID();
        AppendResp none = append(s);
        assertThat(none.getSuccess().hasNoStream()).isTrue();
        assertThat(none.getSuccess().hasNoPosition()).isTrue();
        AppendResp one = append(s, "A");
        AppendResp after = append(s);
        assertThat(after.getSuccess().getCurrentRevision()).isZero();
        assertThat(after.getSuccess().getPosition()).isEqualTo(one.getSuccess().getPosition());
    }

    @Test
    void aWrongExpectedVersionFillsTheCurrentAndTheLegacyFields() {
        String s = "wev-" + java.util.UUID.randomUUID();
        append(s, "A", "B");
        AppendResp.WrongExpectedVersion noStream = append(List.of(
                AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder().setStreamIdentifier(id(s))
                        .setNoStream(Empty.getDefaultInstance())).build(),
                AppendReq.newBuilder().setProposedMessage(message("C")).build())).getWrongExpectedVersion();
        // the Java client 1.1.0 reads expected_revision here (0), KurrentDB and Cairn send expected_no_stream
        assertThat(noStream.hasExpectedNoStream()).isTrue();
        assertThat(noStream.getExpectedRevision2060()).isEqualTo(-1L); // ulong.MaxValue
        assertThat(noStream.getCurrentRevision()).isEqualTo(1);
        assertThat(noStream.getCurrentRevision2060()).isEqualTo(1);

        String missing = "wev-missing-" + java.util.UUID.randomUUID();
        AppendResp.WrongExpectedVersion exists = append(List.of(
                AppendReq.newBuilder().setOptions(AppendReq.Options.newBuilder().setStreamIdentifier(id(missing))
                        .setStreamExists(Empty.getDefaultInstance())).build(),
                AppendReq.newBuilder().setProposedMessage(message("C")).build())).getWrongExpectedVersion();
        assertThat(exists.hasExpectedStreamExists()).isTrue();
        assertThat(exists.hasStreamExists2060()).isTrue();
        assertThat(exists.hasCurrentNoStream()).isTrue();
        assertThat(exists.hasNoStream2060()).isTrue();
    }

    @Test
    void malformedReadsAreInvalidArguments() {
        assertInvalid(() -> read(ReadReq.Options.newBuilder().setCount(1)));
        assertInvalid(() -> read(readAll().setAll(ReadReq.Options.AllOptions.newBuilder().setPosition(
                ReadReq.Options.Position.newBuilder().setCommitPosition(1).setPreparePosition(2)))));
        assertInvalid(() -> read(readAll().setFilter(ReadReq.Options.FilterOptions.newBuilder()
                .setEventType(ReadReq.Options.FilterOptions.Expression.getDefaultInstance()))));
    }

    private static void assertInvalid(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void serverFeaturesListExactlyWhatWorks() {
        SupportedMethods methods = ServerFeaturesGrpc.newBlockingStub(channel)
                .getSupportedMethods(Empty.getDefaultInstance());
        assertThat(methods.getEventStoreServerVersion()).isEqualTo(ServerFeaturesService.REPORTED_VERSION);
        assertThat(methods.getMethodsList()).extracting(m -> m.getServiceName() + "/" + m.getMethodName())
                .containsExactlyInAnyOrder(
                        "event_store.client.streams.streams/append",
                        "event_store.client.streams.streams/batchappend",
                        "event_store.client.streams.streams/read",
                        "event_store.client.streams.streams/delete",
                        "event_store.client.streams.streams/tombstone",
                        "kurrentdb.protocol.v2.streams.streamsservice/appendsession",
                        "kurrentdb.protocol.v2.streams.streamsservice/appendrecords",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/create",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/update",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/delete",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/read",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/getinfo",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/replayparked",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/truncateparked",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/list",
                        "event_store.client.persistent_subscriptions.persistentsubscriptions/restartsubsystem",
                        "event_store.client.operations.operations/shutdown",
                        "event_store.client.operations.operations/restartpersistentsubscriptions",
                        "event_store.client.gossip.gossip/read",
                        "event_store.client.server_features.serverfeatures/getsupportedmethods");
    }

    @Test
    void gossipReportsTheNodeAsAnAliveLeader() {
        ClusterInfo info = GossipGrpc.newBlockingStub(channel).read(Empty.getDefaultInstance());
        assertThat(info.getMembersList()).singleElement().satisfies(m -> {
            assertThat(m.getState()).isEqualTo(MemberInfo.VNodeState.Leader);
            assertThat(m.getIsAlive()).isTrue();
            assertThat(m.getHttpEndPoint().getAddress()).isEqualTo("127.0.0.1");
            assertThat(m.getHttpEndPoint().getPort()).isEqualTo(node.port());
        });
    }

    @Test
    void infoAnswersKurrentDbsNodeInformation() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/info")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            com.fasterxml.jackson.databind.JsonNode info = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(response.body());
            assertThat(info.get("dbVersion").asText()).isEqualTo(ServerFeaturesService.REPORTED_VERSION);
            assertThat(info.get("esVersion").asText()).isEqualTo(ServerFeaturesService.REPORTED_VERSION);
            assertThat(info.get("state").asText()).isEqualTo("leader");
            assertThat(info.get("features").get("userManagement").asBoolean()).as("an insecure node").isFalse();
            assertThat(info.get("features").get("atomPub").asBoolean()).isFalse();
            assertThat(info.get("features").has("projections")).isTrue();
            assertThat(info.get("authentication").isNull()).isTrue();
        }
    }

    @Test
    void healthLiveAnswers204() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/health/live")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).isEqualTo(204);
        }
    }
}
