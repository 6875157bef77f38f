package dev.cairn.server.grpc;

import dev.cairn.protocol.serverfeatures.ServerFeaturesGrpc;
import dev.cairn.protocol.serverfeatures.SupportedMethod;
import dev.cairn.protocol.serverfeatures.SupportedMethods;
import dev.cairn.protocol.shared.Empty;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * {@code event_store.client.server_features.ServerFeatures}: tells clients which methods this node
 * serves, so they never pick a code path (batch append, multi-stream append) that would fail, and
 * do not fall back to KurrentDB's HTTP API for persistent subscription management.
 *
 * <p>Names are lower case, services by their full protobuf name, as KurrentDB reports them.
 * List a method here only once it works end to end.
 */
public final class ServerFeaturesService extends ServerFeaturesGrpc.ServerFeaturesImplBase {

    /**
     * The KurrentDB version whose API Cairn answers like: 25.1 brought the v2 AppendSession
     * (multi-stream append), which Cairn serves. It also serves 26.1's AppendRecords (listed
     * below) but not all of it (no checks on the deleted or tombstoned states), so it does not
     * claim 26.1: clients that gate on the version stay on AppendSession.
     */
    public static final String REPORTED_VERSION = "25.1.0";

    private static final String STREAMS = "event_store.client.streams.streams";

    static final List<SupportedMethod> METHODS = List.of(
            method(STREAMS, "append"),
            // KurrentDB's feature for a deadline sent as a duration, which BatchAppendCall honours
            method(STREAMS, "batchappend").toBuilder().addFeatures("deadline_duration").build(),
            method(STREAMS, "read"),
            method(STREAMS, "delete"),
            method(STREAMS, "tombstone"),
            method("kurrentdb.protocol.v2.streams.streamsservice", "appendsession"),
            method("kurrentdb.protocol.v2.streams.streamsservice", "appendrecords"),
            persistent("create"),
            persistent("update"),
            persistent("delete"),
            persistent("read"),
            persistent("getinfo"),
            persistent("replayparked"),
            persistent("truncateparked"),
            persistent("list"),
            persistent("restartsubsystem"),
            method("event_store.client.operations.operations", "shutdown"),
            method("event_store.client.operations.operations", "restartpersistentsubscriptions"),
            method("event_store.client.gossip.gossip", "read"),
            method("event_store.client.server_features.serverfeatures", "getsupportedmethods"));

    private static final String USERS = "event_store.client.users.users";

    /** User management, served by secure nodes only. */
    static final List<SupportedMethod> USERS_METHODS = List.of(
            method(USERS, "create"),
            method(USERS, "update"),
            method(USERS, "delete"),
            method(USERS, "disable"),
            method(USERS, "enable"),
            method(USERS, "details"),
            method(USERS, "changepassword"),
            method(USERS, "resetpassword"));

    /** The projections service, served by nodes that run projections. */
    static final List<SupportedMethod> PROJECTIONS_METHODS = List.of(
            method("event_store.client.projections.projections", "statistics"),
            method("event_store.client.projections.projections", "enable"),
            method("event_store.client.projections.projections", "disable"),
            // the Node client creates a projection that tracks its emitted streams over gRPC only
            // when Create has this feature (else it tries KurrentDB's HTTP API, which Cairn has not)
            method("event_store.client.projections.projections", "create").toBuilder()
                    .addFeatures("track_emitted_streams").build(),
            method("event_store.client.projections.projections", "update"),
            method("event_store.client.projections.projections", "delete"),
            method("event_store.client.projections.projections", "reset"),
            method("event_store.client.projections.projections", "state"),
            method("event_store.client.projections.projections", "result"),
            method("event_store.client.projections.projections", "restartsubsystem"));

    private final boolean users;
    private final boolean projections;

    /** The features of an insecure node. */
    public ServerFeaturesService() {
        this(false, false);
    }

    /**
     * @param users whether the node serves user management (secure nodes do)
     * @param projections whether it runs projections and serves their service
     */
    public ServerFeaturesService(boolean users, boolean projections) {
        this.users = users;
        this.projections = projections;
    }

    @Override
    public void getSupportedMethods(Empty request, StreamObserver<SupportedMethods> responses) {
        responses.onNext(SupportedMethods.newBuilder()
                .addAllMethods(METHODS)
                .addAllMethods(users ? USERS_METHODS : List.of())
                .addAllMethods(projections ? PROJECTIONS_METHODS : List.of())
                .setEventStoreServerVersion(REPORTED_VERSION)
                .build());
        responses.onCompleted();
    }

    /**
     * A method of the persistent subscriptions service. KurrentDB marks each with the features
     * {@code stream} and {@code all}; the Java client needs {@code all} on {@code create} to use
     * groups on {@code $all}.
     */
    private static SupportedMethod persistent(String method) {
        return SupportedMethod.newBuilder().setServiceName("event_store.client.persistent_subscriptions.persistentsubscriptions")
                .setMethodName(method).addFeatures("stream").addFeatures("all").build();
    }

    private static SupportedMethod method(String service, String method) {
        return SupportedMethod.newBuilder().setServiceName(service).setMethodName(method).build();
    }
}
