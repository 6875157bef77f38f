package dev.cairn.client;

import dev.cairn.protocol.gossip.ClusterInfo;
import dev.cairn.protocol.gossip.MemberInfo;
import dev.cairn.protocol.gossip.MemberInfo.VNodeState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the member of a cluster to talk to from a gossip answer, as the official clients do: only
 * alive members in a state that serves clients, the preferred state first, ties broken at random.
 * Stateless.
 */
final class NodeSelection {

    /** States in which a member serves client calls. */
    private static final Set<VNodeState> SERVING = Set.of(VNodeState.Leader, VNodeState.Follower,
            VNodeState.ReadOnlyReplica, VNodeState.ReadOnlyLeaderless, VNodeState.CatchingUp);

    private NodeSelection() {
    }

    static Optional<MemberInfo> best(ClusterInfo info, NodePreference preference) {
        List<MemberInfo> candidates = new ArrayList<>();
        for (MemberInfo m : info.getMembersList()) {
            if (m.getIsAlive() && SERVING.contains(m.getState())) {
                candidates.add(m);
            }
        }
        Collections.shuffle(candidates);
        VNodeState preferred = switch (preference) {
            case LEADER -> VNodeState.Leader;
            case FOLLOWER -> VNodeState.Follower;
            case READ_ONLY_REPLICA -> VNodeState.ReadOnlyReplica;
            case RANDOM -> null;
        };
        if (preferred != null) {
            // stable sort: preferred members first, the shuffle decides among equals
            candidates.sort((a, b) -> Boolean.compare(b.getState() == preferred, a.getState() == preferred));
        }
        return candidates.stream().findFirst();
    }
}
