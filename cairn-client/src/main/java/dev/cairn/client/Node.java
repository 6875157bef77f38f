package dev.cairn.client;

import io.grpc.ManagedChannel;
import java.util.Locale;
import java.util.Set;

/**
 * A node the client is connected to: its address, the channel to it and what it serves, as its
 * {@code ServerFeatures} answered (empty for nodes too old to answer).
 *
 * @param endpoint where the node is
 * @param channel the channel to it; shut down when the connection moves on
 * @param methods the methods it serves, as {@code service/method} in lower case
 * @param version the version it reports, or empty
 */
record Node(Endpoint endpoint, ManagedChannel channel, Set<String> methods, String version) {

    static final String V2_STREAMS = "kurrentdb.protocol.v2.streams.streamsservice";

    Node {
        methods = Set.copyOf(methods);
    }

    boolean supports(String service, String method) {
        return methods.contains(service.toLowerCase(Locale.ROOT) + "/" + method.toLowerCase(Locale.ROOT));
    }
}
