package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.protocol.operations.OperationsGrpc;
import dev.cairn.protocol.operations.SetNodePriorityReq;
import dev.cairn.protocol.operations.StartScavengeReq;
import dev.cairn.protocol.operations.StopScavengeReq;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.users.CreateReq;
import dev.cairn.protocol.users.UsersGrpc;
import dev.cairn.server.SecureTestNode;
import dev.cairn.server.TestNode;
import dev.cairn.server.grpc.PersistentSubscriptionOverGrpcTest.Recorder;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.StreamState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code event_store.client.operations.Operations} over the wire, with Cairn's own stubs (the
 * official Java client has no operations client): who may shut a node down or restart its
 * persistent subscriptions, that each does what it says, and that the rest answer UNIMPLEMENTED.
 */
class OperationsServiceTest {

    private static final Empty EMPTY = Empty.getDefaultInstance();

    private static OperationsGrpc.OperationsBlockingStub operations(ManagedChannel channel) {
        return OperationsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static Status.Code failure(ThrowingCallable call) {
        try {
            call.call();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        throw new AssertionError("the call succeeded");
    }

    private static void append(KurrentDBClient client, String stream) throws Exception {
        client.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.any()),
                EventDataBuilder.json("Thing", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build()).get();
    }

    /** Waits for the node to have stopped, and fails the test if it does not. */
    private static void awaitStopped(Runnable awaitTermination) throws Exception {
        CompletableFuture.runAsync(awaitTermination).get(60, TimeUnit.SECONDS);
    }

    @Test
    void onASecureNodeOnlyOpsAndAdminsRunOperations(@TempDir Path dir) throws Exception {
        try (SecureTestNode node = SecureTestNode.start(dir)) {
            UsersGrpc.newBlockingStub(node.channel("admin", "changeit")).create(CreateReq.newBuilder()
                    .setOptions(CreateReq.Options.newBuilder().setLoginName("dora").setFullName("Dora")
                            .setPassword("dora-pw"))
                    .build());
            OperationsGrpc.OperationsBlockingStub dora = operations(node.channel("dora", "dora-pw"));
            OperationsGrpc.OperationsBlockingStub anonymous = operations(node.channel(null, null));

            assertThat(failure(() -> dora.shutdown(EMPTY))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(failure(() -> anonymous.shutdown(EMPTY))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(failure(() -> dora.restartPersistentSubscriptions(EMPTY)))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            append(node.client("admin", "changeit"), "still-serving"); // refused shutdowns did nothing

            OperationsGrpc.OperationsBlockingStub ops = operations(node.channel("ops", "changeit"));
            assertThat(ops.restartPersistentSubscriptions(EMPTY)).isEqualTo(EMPTY);
            assertThat(failure(() -> ops.startScavenge(StartScavengeReq.getDefaultInstance())))
                    .isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(failure(() -> ops.stopScavenge(StopScavengeReq.getDefaultInstance())))
                    .isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(failure(() -> ops.mergeIndexes(EMPTY))).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(failure(() -> ops.resignNode(EMPTY))).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(failure(() -> ops.setNodePriority(SetNodePriorityReq.newBuilder().setPriority(1).build())))
                    .isEqualTo(Status.Code.UNIMPLEMENTED);

            OperationsGrpc.OperationsBlockingStub admin = operations(node.channel("admin", "changeit"));
            assertThat(admin.shutdown(EMPTY)).isEqualTo(EMPTY);
            awaitStopped(node.server::awaitTermination);
            assertThat(failure(() -> admin.shutdown(EMPTY))).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void onAnInsecureNodeRestartDropsConsumersAndShutdownStopsTheNode(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
            try {
                KurrentDBPersistentSubscriptionsClient ps = KurrentDBPersistentSubscriptionsClient.from(node.client);
                ps.createToStream("ops-restart", "g").get();
                Recorder consumer = Recorder.acking();
                ps.subscribeToStream("ops-restart", "g", consumer).get();

                assertThat(operations(channel).restartPersistentSubscriptions(EMPTY)).isEqualTo(EMPTY);
                assertThat(consumer.cancelled.get(10, TimeUnit.SECONDS)).isNotNull();

                assertThat(operations(channel).shutdown(EMPTY)).isEqualTo(EMPTY);
                awaitStopped(node.server::awaitTermination);
                assertThat(failure(() -> operations(channel).shutdown(EMPTY))).isEqualTo(Status.Code.UNAVAILABLE);
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
