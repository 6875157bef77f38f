package dev.cairn.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.api.Acl;
import dev.cairn.api.EventStore;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.protocol.rpc.Code;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.BatchAppendResp;
import dev.cairn.protocol.v2.streams.AppendRecord;
import dev.cairn.protocol.v2.streams.AppendRecordsRequest;
import dev.cairn.protocol.v2.streams.ConsistencyCheck;
import dev.cairn.protocol.v2.streams.SchemaFormat;
import dev.cairn.protocol.v2.streams.SchemaInfo;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import dev.cairn.server.BatchAppends;
import dev.cairn.server.SecureTestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paths the access matrix does not reach with the official Java client, checked with Cairn's
 * own stubs: BatchAppend (the Node and .NET clients' append), v2 AppendRecords with a
 * consistency check on a stream the caller may not read, and a live subscription whose reader
 * loses access.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredPathsTest {

    SecureTestNode node;
    EventStore store;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = SecureTestNode.start(dir);
        store = node.server.store();
        Principal admin = node.security.authenticate("admin", "changeit");
        node.security.users(admin).createUser("olivia", "Olivia", List.of(), "olivia-pw");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private boolean exists(String stream) {
        try {
            store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards());
            return true;
        } catch (StreamNotFoundException e) {
            return false;
        }
    }

    private static UUID uuid() {
        return UUID.newBuilder().setString(java.util.UUID.randomUUID().toString()).build();
    }

    private List<BatchAppendResp> batchAppend(String user, String password, String stream) throws Exception {
        return BatchAppends.call(node.channel(user, password), List.of(BatchAppends.single(
                BatchAppends.options(stream).setAny(com.google.protobuf.Empty.getDefaultInstance()), "Tested")));
    }

    @Test
    void batchAppendAnswersAccessDeniedPerBatchAndWritesNothing() throws Exception {
        String system = "$batch-" + java.util.UUID.randomUUID();
        List<BatchAppendResp> denied = batchAppend("olivia", "olivia-pw", system);
        assertThat(denied).singleElement().satisfies(r -> {
            assertThat(r.hasError()).isTrue();
            assertThat(r.getError().getCode()).isEqualTo(Code.PERMISSION_DENIED.getNumber());
            assertThat(r.getError().getDetails(0).is(dev.cairn.protocol.shared.AccessDenied.class)).isTrue();
        });
        assertThat(exists(system)).isFalse();

        assertThat(batchAppend("admin", "changeit", system)).singleElement()
                .satisfies(r -> assertThat(r.hasSuccess()).isTrue());
        assertThat(batchAppend("olivia", "olivia-pw", "batch-" + java.util.UUID.randomUUID())).singleElement()
                .satisfies(r -> assertThat(r.hasSuccess()).isTrue());
    }

    @Test
    void appendRecordsNeedsReadAccessToStreamsItOnlyChecks() {
        String mine = "records-" + java.util.UUID.randomUUID();
        String system = "$records-" + java.util.UUID.randomUUID();
        AppendRecordsRequest request = AppendRecordsRequest.newBuilder()
                .addRecords(AppendRecord.newBuilder().setStream(mine).setRecordId(java.util.UUID.randomUUID().toString())
                        .setSchema(SchemaInfo.newBuilder().setName("Tested").setFormat(SchemaFormat.SCHEMA_FORMAT_JSON))
                        .setData(ByteString.copyFromUtf8("{}")))
                .addChecks(ConsistencyCheck.newBuilder().setStreamState(ConsistencyCheck.StreamStateCheck.newBuilder()
                        .setStream(system).setExpectedState(-1)))
                .build();
        StatusRuntimeException denied = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(() ->
                StreamsServiceGrpc.newBlockingStub(node.channel("olivia", "olivia-pw"))
                        .withDeadlineAfter(20, TimeUnit.SECONDS).appendRecords(request));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(exists(mine)).isFalse();

        StreamsServiceGrpc.newBlockingStub(node.channel("admin", "changeit")).withDeadlineAfter(20, TimeUnit.SECONDS)
                .appendRecords(request);
        assertThat(exists(mine)).isTrue();
    }

    @Test
    void aLiveSubscriptionEndsWhenItsReaderLosesAccess() throws Exception {
        String stream = "watched-" + java.util.UUID.randomUUID();
        store.append(stream, dev.cairn.api.StreamState.any(), dev.cairn.api.EventData.json("First", "{}"));
        KurrentDBClient olivia = node.client("olivia", "olivia-pw");
        CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        CompletableFuture<Throwable> cancelled = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        olivia.subscribeToStream(stream, new SubscriptionListener() {
            @Override
            public void onEvent(Subscription subscription, io.kurrent.dbclient.ResolvedEvent event) {
                seen.add(event.getEvent().getEventType());
            }

            @Override
            public void onCaughtUp(Subscription subscription, java.time.Instant time, Long revision,
                    io.kurrent.dbclient.Position position) {
                caughtUp.complete(null);
            }

            @Override
            public void onCancelled(Subscription subscription, Throwable error) {
                cancelled.complete(error);
            }
        }).get(20, TimeUnit.SECONDS);
        caughtUp.get(20, TimeUnit.SECONDS);

        store.setStreamMetadata(StreamName.of(stream), dev.cairn.api.StreamState.any(),
                StreamMetadata.EMPTY.withAcl(new Acl(List.of(Principal.ADMINS), null, null, null, null)));
        node.client("admin", "changeit").appendToStream(stream,
                EventDataBuilder.json("Secret", "{}".getBytes(StandardCharsets.UTF_8)).build()).get();

        Throwable error = cancelled.get(20, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) error).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(seen).containsExactly("First");
        assertThatThrownBy(() -> olivia.readStream(stream, io.kurrent.dbclient.ReadStreamOptions.get()).get())
                .hasRootCauseInstanceOf(StatusRuntimeException.class);
    }

    /** The gRPC status a call ended with, or OK when it succeeded. */
    private static Status.Code code(java.util.concurrent.Future<?> call) {
        try {
            call.get(20, TimeUnit.SECONDS);
            return Status.Code.OK;
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StatusRuntimeException sre) {
                    return sre.getStatus().getCode();
                }
            }
            throw new AssertionError(e);
        }
    }

    @Test
    void persistentSubscriptionsFollowKurrentDbsRules() throws Exception {
        String stream = "ps-" + java.util.UUID.randomUUID();
        String system = "$ps-" + java.util.UUID.randomUUID();
        var asOps = KurrentDBPersistentSubscriptionsClient.from(node.client("ops", "changeit"));
        var asOlivia = KurrentDBPersistentSubscriptionsClient.from(node.client("olivia", "olivia-pw"));
        var anonymous = KurrentDBPersistentSubscriptionsClient.from(node.client(null, null));

        // managing groups: $ops or $admins
        assertThat(code(asOlivia.createToStream(stream, "g"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(store.persistentSubscriptions().list()).isEmpty();
        assertThat(code(asOps.createToStream(stream, "g"))).isEqualTo(Status.Code.OK);
        assertThat(code(asOps.createToStream(system, "g"))).isEqualTo(Status.Code.OK);
        assertThat(code(asOlivia.deleteToStream(stream, "g"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        // statistics: any authenticated user
        assertThat(code(asOlivia.listAll())).isEqualTo(Status.Code.OK);
        assertThat(code(anonymous.listAll())).isEqualTo(Status.Code.PERMISSION_DENIED);

        // consuming: the read right on the group's stream
        PersistentSubscriptionListener ignore = new PersistentSubscriptionListener() {
        };
        CompletableFuture<io.kurrent.dbclient.PersistentSubscription> mine = asOlivia.subscribeToStream(stream, "g",
                ignore);
        assertThat(code(mine)).isEqualTo(Status.Code.OK);
        mine.get().stop();
        assertThat(code(asOlivia.subscribeToStream(system, "g", ignore))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(store.persistentSubscriptions().list()).hasSize(2);
    }
}
