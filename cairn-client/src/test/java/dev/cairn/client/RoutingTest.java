package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.EventData;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.protocol.gossip.ClusterInfo;
import dev.cairn.protocol.gossip.EndPoint;
import dev.cairn.protocol.gossip.GossipGrpc;
import dev.cairn.protocol.gossip.MemberInfo;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.server.CairnServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where calls go: a follower's not-leader answer sends them to the leader, gossip picks the member
 * the node preference asks for, calls carry the credentials and the requires-leader header, and a
 * node that does not list the v2 appends is not sent them. The follower and the gossip seed are
 * small fake nodes; the leader is a real one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingTest {

    CairnServer leader;
    Server follower;
    Server seed;
    Server silent;
    final List<Metadata> followerHeaders = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        CairnOptions options = CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(1L << 20)
                .maxAppendSize(4L << 20).build();
        leader = CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(), options.maxEventSize());
        follower = NettyServerBuilder.forPort(0)
                .addService(ServerInterceptors.intercept(new Follower(leader.port()), recordHeaders()))
                .build().start();
        seed = NettyServerBuilder.forPort(0).addService(new Seed(leader.port())).build().start();
        silent = NettyServerBuilder.forPort(0).addService(new Silent()).build().start();
    }

    @AfterAll
    void stop() {
        follower.shutdownNow();
        seed.shutdownNow();
        silent.shutdownNow();
        leader.stop();
    }

    private ServerInterceptor recordHeaders() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                followerHeaders.add(headers);
                return next.startCall(call, headers);
            }
        };
    }

    /** A follower: refuses everything with KurrentDB's not-leader answer naming the leader. */
    static final class Follower extends StreamsGrpc.StreamsImplBase {
        private final int leaderPort;

        Follower(int leaderPort) {
            this.leaderPort = leaderPort;
        }

        private io.grpc.StatusRuntimeException notLeader() {
            Metadata trailers = new Metadata();
            trailers.put(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER), "not-leader");
            trailers.put(Metadata.Key.of("leader-endpoint-host", Metadata.ASCII_STRING_MARSHALLER), "127.0.0.1");
            trailers.put(Metadata.Key.of("leader-endpoint-port", Metadata.ASCII_STRING_MARSHALLER),
                    Integer.toString(leaderPort));
            return Status.NOT_FOUND.withDescription("Leader info available").asRuntimeException(trailers);
        }

        @Override
        public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(AppendReq value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    responses.onError(notLeader());
                }
            };
        }

        @Override
        public void read(ReadReq request, StreamObserver<ReadResp> responses) {
            responses.onError(notLeader());
        }
    }

    /** A node that takes appends and never answers them. */
    static final class Silent extends StreamsGrpc.StreamsImplBase {
        @Override
        public StreamObserver<AppendReq> append(StreamObserver<AppendResp> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(AppendReq value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    // no answer: the client's deadline must end the call
                }
            };
        }
    }

    /** A gossip seed that knows a dead leader, a node in a state that serves no one, and the follower. */
    static final class Seed extends GossipGrpc.GossipImplBase {
        private final int port;

        Seed(int port) {
            this.port = port;
        }

        private static MemberInfo member(MemberInfo.VNodeState state, boolean alive, int port) {
            return MemberInfo.newBuilder().setState(state).setIsAlive(alive)
                    .setHttpEndPoint(EndPoint.newBuilder().setAddress("127.0.0.1").setPort(port)).build();
        }

        @Override
        public void read(Empty request, StreamObserver<ClusterInfo> responses) {
            responses.onNext(ClusterInfo.newBuilder()
                    .addMembers(member(MemberInfo.VNodeState.Leader, false, 1))
                    .addMembers(member(MemberInfo.VNodeState.Manager, true, 2))
                    .addMembers(member(MemberInfo.VNodeState.Follower, true, port))
                    .build());
            responses.onCompleted();
        }
    }

    @Test
    void aNotLeaderAnswerMovesCallsToTheLeader() {
        followerHeaders.clear();
        StreamName s = StreamName.of("redirected-" + System.nanoTime());
        try (CairnClient client = CairnClient.connect("kurrentdb://admin:changeit@127.0.0.1:" + follower.getPort()
                + "?tls=false")) {
            assertThat(client.append(s, StreamState.noStream(), List.of(EventData.json("E", "{}")))
                    .nextExpectedRevision()).isZero();
            assertThat(client.readStreamToList(s, ReadStreamOptions.forwards())).hasSize(1);
        }
        assertThat(followerHeaders).isNotEmpty();
        Metadata first = followerHeaders.get(0);
        assertThat(first.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo(new UserCredentials("admin", "changeit").basicAuthHeader());
        assertThat(first.get(Metadata.Key.of("requires-leader", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("true");
    }

    @Test
    void aReadAfterARedirectAlsoGoesToTheLeader() {
        StreamName s = StreamName.of("read-redirected-" + System.nanoTime());
        try (CairnClient direct = CairnClient.connect("kurrentdb://127.0.0.1:" + leader.port() + "?tls=false");
                CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + follower.getPort() + "?tls=false")) {
            direct.append(s, StreamState.noStream(), List.of(EventData.json("E", "{}")));
            assertThat(client.readStreamToList(s, ReadStreamOptions.forwards())).hasSize(1);
        }
    }

    @Test
    void perCallCredentialsReplaceTheDefaultOnes() {
        followerHeaders.clear();
        try (CairnClient client = CairnClient.connect("kurrentdb://admin:changeit@127.0.0.1:" + follower.getPort()
                + "?tls=false&nodePreference=random")) {
            CairnClient ops = client.withCredentials(new UserCredentials("ops", "s3cret"));
            ops.append(StreamName.of("creds-" + System.nanoTime()), StreamState.any(), List.of(EventData.json("E", "{}")));
        }
        Metadata first = followerHeaders.get(0);
        assertThat(first.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo(new UserCredentials("ops", "s3cret").basicAuthHeader());
        assertThat(first.get(Metadata.Key.of("requires-leader", Metadata.ASCII_STRING_MARSHALLER)))
                .as("only a leader preference requires the leader").isNull();
    }

    @Test
    void gossipPicksAnAliveMemberThatServesClients() {
        StreamName s = StreamName.of("gossiped-" + System.nanoTime());
        try (CairnClient client = CairnClient.connect("kurrentdb+discover://127.0.0.1:" + seed.getPort()
                + "?tls=false&nodePreference=follower")) {
            assertThat(client.append(s, StreamState.noStream(), List.of(EventData.json("E", "{}")))
                    .nextExpectedRevision()).isZero();
        }
    }

    @Test
    void gossipThroughARealNodeFindsItAsTheLeader() {
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:1,127.0.0.1:" + leader.port()
                + "?tls=false&maxDiscoverAttempts=5&discoveryInterval=10&gossipTimeout=500")) {
            assertThat(client.append(StreamName.of("seeds-" + System.nanoTime()), StreamState.any(),
                    List.of(EventData.json("E", "{}"))).nextExpectedRevision()).isZero();
        }
    }

    @Test
    void aCallThatGetsNoAnswerEndsAtTheDefaultDeadline() {
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + silent.getPort()
                + "?tls=false&defaultDeadline=300&maxDiscoverAttempts=1")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.append(StreamName.of("unanswered"), StreamState.any(),
                    List.of(EventData.json("E", "{}")))).isInstanceOf(dev.cairn.api.StoreUnavailableException.class)
                    .hasMessageContaining("deadline");
            long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(millis).isBetween(250L, 5_000L);
        }
    }

    @Test
    void aNodeThatDoesNotServeTheV2AppendsIsNotSentThem() {
        // the follower has no ServerFeatures: like a KurrentDB older than 21.10, it lists nothing
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + follower.getPort()
                + "?tls=false&nodePreference=random")) {
            StreamName s = StreamName.of("v2");
            assertThatThrownBy(() -> client.append(List.of(new AppendRequest(s, StreamState.any(),
                    List.of(EventData.json("E", "{}")))))).isInstanceOf(UnsupportedFeatureException.class)
                    .hasMessageContaining("does not serve multi-stream append");
            assertThatThrownBy(() -> client.appendRecords(List.of(new AppendRecord(s, EventData.json("E", "{}"))),
                    List.of())).isInstanceOf(UnsupportedFeatureException.class);
        }
    }
}
