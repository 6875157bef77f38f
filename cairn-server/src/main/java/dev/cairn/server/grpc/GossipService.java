package dev.cairn.server.grpc;

import dev.cairn.protocol.gossip.ClusterInfo;
import dev.cairn.protocol.gossip.EndPoint;
import dev.cairn.protocol.gossip.GossipGrpc;
import dev.cairn.protocol.gossip.MemberInfo;
import dev.cairn.protocol.shared.Empty;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.UUID;

/**
 * {@code event_store.client.gossip.Gossip}: a single node reports itself as the alive leader, so
 * clients that discover nodes through gossip send every call here. Thread-safe.
 */
public final class GossipService extends GossipGrpc.GossipImplBase {

    private final UUID instanceId = UUID.randomUUID();
    private final Clock clock;

    public GossipService(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void read(Empty request, StreamObserver<ClusterInfo> responses) {
        // The node's own address as this client reached it: right without an advertise option
        // for a single node, whatever interface or port mapping the client came through.
        InetSocketAddress local = ServiceRequestContext.current().localAddress();
        MemberInfo self = MemberInfo.newBuilder()
                .setInstanceId(Wire.uuid(instanceId, true))
                .setTimeStamp(Wire.ticksSinceEpoch(clock.instant()))
                .setState(MemberInfo.VNodeState.Leader)
                .setIsAlive(true)
                .setHttpEndPoint(EndPoint.newBuilder().setAddress(local.getAddress().getHostAddress()).setPort(local.getPort()))
                .build();
        responses.onNext(ClusterInfo.newBuilder().addMembers(self).build());
        responses.onCompleted();
    }
}
