package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import dev.cairn.protocol.v2.streams.AppendRecord;
import dev.cairn.protocol.v2.streams.AppendRecordsRequest;
import dev.cairn.protocol.v2.streams.AppendRecordsResponse;
import dev.cairn.protocol.v2.streams.ConsistencyCheck;
import dev.cairn.protocol.v2.streams.SchemaFormat;
import dev.cairn.protocol.v2.streams.SchemaInfo;
import dev.cairn.protocol.v2.streams.errors.AppendConsistencyViolationErrorDetails;
import io.grpc.protobuf.StatusProto;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.MultiStreamAppendResponse;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.StreamTombstonedException;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 append: AppendSession through the official client's multi-stream append, AppendRecords
 * through Cairn's stubs (the client has no call for it), with v2 rich errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiStreamAppendTest {

    TestNode node;
    KurrentDBClient client;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = TestNode.start(dir);
        client = node.client;
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static EventData event(String type) {
        return EventDataBuilder.json(type, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private MultiStreamAppendResponse append(AppendStreamRequest... requests) throws Exception {
        return client.multiStreamAppend(List.of(requests).iterator()).get(10, TimeUnit.SECONDS);
    }

    private Throwable failure(AppendStreamRequest... requests) {
        try {
            append(requests);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void appendsToSeveralStreamsAtomically() throws Exception {
        String a = "msa-a-" + UUID.randomUUID();
        String b = "msa-b-" + UUID.randomUUID();
        MultiStreamAppendResponse response = append(
                new AppendStreamRequest(a, List.of(event("A1"), event("A2")).iterator(), StreamState.noStream()),
                new AppendStreamRequest(b, List.of(event("B1")).iterator(), StreamState.any()));
        assertThat(response.getPosition()).isPositive();
        assertThat(response.getResults()).extracting(r -> r.getStream() + "@" + r.getStreamRevision())
                .containsExactly(a + "@1", b + "@0");
        assertThat(client.readStream(a, ReadStreamOptions.get()).get().getEvents())
                .extracting(e -> e.getEvent().getEventType()).containsExactly("A1", "A2");
    }

    @Test
    void aConflictWritesNothingAndIsTheClientsWrongExpectedVersion() throws Exception {
        String a = "msa-c-" + UUID.randomUUID();
        String b = "msa-d-" + UUID.randomUUID();
        append(new AppendStreamRequest(b, List.of(event("B1")).iterator(), StreamState.any()));

        Throwable t = failure(
                new AppendStreamRequest(a, List.of(event("A1")).iterator(), StreamState.noStream()),
                new AppendStreamRequest(b, List.of(event("B2")).iterator(), StreamState.noStream()));
        assertThat(t).isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
            assertThat(e.getStreamName()).isEqualTo(b);
            assertThat(e.getActualState()).isEqualTo(StreamState.streamRevision(0));
            assertThat(e.getExpectedState()).isEqualTo(StreamState.noStream());
        });
        assertThat(failureOfRead(a)).isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
    }

    @Test
    void aTombstonedStreamIsReportedAsTombstoned() throws Exception {
        String a = "msa-t-" + UUID.randomUUID();
        client.tombstoneStream(a).get();
        assertThat(failure(new AppendStreamRequest(a, List.of(event("A1")).iterator(), StreamState.any())))
                .isInstanceOfSatisfying(StreamTombstonedException.class,
                        e -> assertThat(e.getStreamName()).isEqualTo(a));
    }

    @Test
    void eachStreamsResultCarriesThePositionOfItsLastEvent() throws Exception {
        String a = "msa-p-" + UUID.randomUUID();
        String b = "msa-q-" + UUID.randomUUID();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try {
            java.util.concurrent.CompletableFuture<dev.cairn.protocol.v2.streams.AppendSessionResponse> done =
                    new java.util.concurrent.CompletableFuture<>();
            io.grpc.stub.StreamObserver<dev.cairn.protocol.v2.streams.AppendRequest> requests = StreamsServiceGrpc
                    .newStub(channel).appendSession(new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(dev.cairn.protocol.v2.streams.AppendSessionResponse value) {
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
            requests.onNext(dev.cairn.protocol.v2.streams.AppendRequest.newBuilder().setStream(a)
                    .addRecords(record(a, "A1")).addRecords(record(a, "A2")).build());
            requests.onNext(dev.cairn.protocol.v2.streams.AppendRequest.newBuilder().setStream(b)
                    .addRecords(record(b, "B1")).build());
            requests.onCompleted();
            dev.cairn.protocol.v2.streams.AppendSessionResponse response = done.get(10, TimeUnit.SECONDS);

            long lastOfA = client.readStream(a, ReadStreamOptions.get().backwards().fromEnd().maxCount(1)).get().getEvents()
                    .get(0).getEvent().getPosition().getCommitUnsigned();
            long lastOfB = client.readStream(b, ReadStreamOptions.get().backwards().fromEnd().maxCount(1)).get().getEvents()
                    .get(0).getEvent().getPosition().getCommitUnsigned();
            assertThat(response.getOutputList()).allSatisfy(o -> assertThat(o.hasPosition()).isTrue());
            assertThat(response.getOutput(0).getPosition()).isEqualTo(lastOfA);
            assertThat(response.getOutput(1).getPosition()).isEqualTo(lastOfB);
            assertThat(response.getPosition()).isEqualTo(lastOfB);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static AppendRecord record(String stream, String type) {
        return AppendRecord.newBuilder().setStream(stream).setRecordId(UUID.randomUUID().toString())
                .setSchema(SchemaInfo.newBuilder().setName(type).setFormat(SchemaFormat.SCHEMA_FORMAT_JSON))
                .putProperties("source", Value.newBuilder().setStringValue("test").build())
                .setData(ByteString.copyFromUtf8("{}")).build();
    }

    private static ConsistencyCheck check(String stream, long expected) {
        return ConsistencyCheck.newBuilder().setStreamState(ConsistencyCheck.StreamStateCheck.newBuilder()
                .setStream(stream).setExpectedState(expected)).build();
    }

    private <T> T withStub(java.util.function.Function<StreamsServiceGrpc.StreamsServiceBlockingStub, T> call)
            throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try {
            return call.apply(StreamsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void appendRecordsWritesInterleavedStreamsWhenEveryCheckHolds() throws Exception {
        String a = "rec-a-" + UUID.randomUUID();
        String b = "rec-b-" + UUID.randomUUID();
        String guard = "rec-guard-" + UUID.randomUUID();
        AppendRecordsResponse response = withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                .addRecords(record(a, "A1")).addRecords(record(b, "B1")).addRecords(record(a, "A2"))
                .addChecks(check(a, -1)).addChecks(check(guard, -1)).build()));
        assertThat(response.getPosition()).isPositive();
        assertThat(response.getRevisionsList()).extracting(r -> r.getStream() + "@" + r.getRevision())
                .containsExactlyInAnyOrder(a + "@1", b + "@0");
        assertThat(client.readStream(a, ReadStreamOptions.get()).get().getEvents())
                .extracting(e -> e.getEvent().getEventType()).containsExactly("A1", "A2");
    }

    @Test
    void appendRecordsReportsEveryFailingCheckAndWritesNothing() throws Exception {
        String a = "rec-c-" + UUID.randomUUID();
        String b = "rec-d-" + UUID.randomUUID();
        append(new AppendStreamRequest(b, List.of(event("B1")).iterator(), StreamState.any()));
        StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                        .addRecords(record(a, "A1"))
                        .addChecks(check(a, 3)).addChecks(check(b, -1)).build())));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status.getDetails(0).unpack(ErrorInfo.class).getReason()).isEqualTo("APPEND_CONSISTENCY_VIOLATION");
        AppendConsistencyViolationErrorDetails details = status.getDetails(1)
                .unpack(AppendConsistencyViolationErrorDetails.class);
        assertThat(details.getViolationsList()).extracting(v -> v.getCheckIndex() + ":"
                + v.getStreamState().getStream() + ":" + v.getStreamState().getExpectedState() + ":"
                + v.getStreamState().getActualState())
                .containsExactlyInAnyOrder("0:" + a + ":3:-1", "1:" + b + ":-1:0");
        assertThat(failureOfRead(a)).isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
    }

    /**
     * KurrentDB 26.1's lifecycle checks: -5 holds for a soft-deleted stream, -6 for a tombstoned one;
     * a failure reports -5 or -6 as the actual state, and a tombstoned stream written without a
     * check is a violation of -2 numbered after the checks.
     */
    @Test
    void appendRecordsChecksTheDeletedAndTombstonedStates() throws Exception {
        String deleted = "rec-del-" + UUID.randomUUID();
        String gone = "rec-gone-" + UUID.randomUUID();
        String a = "rec-e-" + UUID.randomUUID();
        append(new AppendStreamRequest(deleted, List.of(event("D1")).iterator(), StreamState.any()));
        client.deleteStream(deleted).get();
        client.tombstoneStream(gone).get();

        AppendRecordsResponse response = withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                .addRecords(record(a, "A1")).addChecks(check(deleted, -5)).addChecks(check(gone, -6))
                .addChecks(check("rec-never-" + UUID.randomUUID(), -1)).build()));
        assertThat(response.getRevisionsList()).extracting(r -> r.getStream() + "@" + r.getRevision())
                .containsExactly(a + "@0");

        StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                        .addRecords(record(a, "A2")).addRecords(record(gone, "G1"))
                        .addChecks(check(deleted, -4)).addChecks(check(a, -6)).addChecks(check(gone, 3)).build())));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        AppendConsistencyViolationErrorDetails details = StatusProto.fromThrowable(e).getDetails(1)
                .unpack(AppendConsistencyViolationErrorDetails.class);
        assertThat(details.getViolationsList()).extracting(v -> v.getCheckIndex() + ":"
                + v.getStreamState().getExpectedState() + ":" + v.getStreamState().getActualState())
                .containsExactly("0:-4:-5", "1:-6:0", "2:3:-6");

        e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                        .addRecords(record(a, "A3")).addRecords(record(gone, "G2")).build())));
        details = StatusProto.fromThrowable(e).getDetails(1).unpack(AppendConsistencyViolationErrorDetails.class);
        assertThat(details.getViolationsList()).extracting(v -> v.getCheckIndex() + ":" + v.getStreamState().getStream()
                + ":" + v.getStreamState().getExpectedState() + ":" + v.getStreamState().getActualState())
                .containsExactly("1:" + gone + ":-2:-6");
        assertThat(client.readStream(a, ReadStreamOptions.get()).get().getEvents()).hasSize(1);
    }

    @Test
    void aCheckWithoutAnExpectedStateChecksForRevisionZeroAsKurrentDbReadsIt() throws Exception {
        String a = "rec-zero-" + UUID.randomUUID();
        append(new AppendStreamRequest(a, List.of(event("A0")).iterator(), StreamState.any()));
        ConsistencyCheck atZero = ConsistencyCheck.newBuilder().setStreamState(
                ConsistencyCheck.StreamStateCheck.newBuilder().setStream(a)).build();
        AppendRecordsResponse response = withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                .addRecords(record(a, "A1")).addChecks(atZero).build()));
        assertThat(response.getRevisionsList()).extracting(r -> r.getStream() + "@" + r.getRevision())
                .containsExactly(a + "@1");
        StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> withStub(stub -> stub.appendRecords(AppendRecordsRequest.newBuilder()
                        .addRecords(record(a, "A2")).addChecks(atZero).build())));
        assertThat(e.getStatus().getCode()).as("the stream is at revision 1 now").isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void appendRecordsRefusesMalformedRequests() {
        for (AppendRecordsRequest bad : List.of(
                AppendRecordsRequest.getDefaultInstance(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A").toBuilder().clearStream()).build(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A")).addChecks(check("x", -2)).build(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A")).addChecks(check("x", -7)).build(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A")).addChecks(check("x", -3)).build(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A")).addChecks(check("x", -4294967297L)).build(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A")).addChecks(ConsistencyCheck.newBuilder()
                        .setStreamState(ConsistencyCheck.StreamStateCheck.newBuilder().setExpectedState(-1))).build(),
                AppendRecordsRequest.newBuilder().addRecords(record("x", "A").toBuilder().setRecordId("nope"))
                        .build())) {
            StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> withStub(stub -> stub.appendRecords(bad)));
            assertThat(e.getStatus().getCode()).as("%s", bad).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    private Throwable failureOfRead(String stream) {
        try {
            client.readStream(stream, ReadStreamOptions.get()).get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
