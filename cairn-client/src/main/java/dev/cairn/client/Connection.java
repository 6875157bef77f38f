package dev.cairn.client;

import dev.cairn.api.StoreUnavailableException;
import dev.cairn.protocol.gossip.ClusterInfo;
import dev.cairn.protocol.gossip.GossipGrpc;
import dev.cairn.protocol.gossip.MemberInfo;
import dev.cairn.protocol.serverfeatures.ServerFeaturesGrpc;
import dev.cairn.protocol.serverfeatures.SupportedMethod;
import dev.cairn.protocol.serverfeatures.SupportedMethods;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's link to the cluster: picks a node (the one host given, or through gossip with the
 * node preference), opens a channel to it and asks what it serves. Calls run through
 * {@link #execute}, which reconnects with backoff when the node cannot be reached and follows a
 * not-leader answer to the leader.
 *
 * <p>Thread-safe: the current node is replaced under the connection's lock; a call that started on
 * a node that has since been replaced fails over like any other failed call.
 */
final class Connection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** KurrentDB's largest gRPC message (16 MiB - 10000 bytes), with room to spare for framing. */
    private static final int MAX_INBOUND_MESSAGE = 17 << 20;

    private final ClientSettings settings;
    private final ScheduledExecutorService scheduler;
    private Node current;
    private Endpoint redirectTo;
    private boolean closed;

    Connection(ClientSettings settings) {
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-client-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    ClientSettings settings() {
        return settings;
    }

    /** The node calls go to, connecting first if there is none. Blocks while it connects. */
    synchronized Node node() {
        if (closed) {
            throw new StoreUnavailableException("the client is closed");
        }
        if (current == null) {
            Endpoint target = redirectTo != null ? redirectTo : pick();
            redirectTo = null;
            current = open(target);
        }
        return current;
    }

    /** Forgets {@code node} after it failed; the next call connects again (rediscovering a cluster). */
    synchronized void invalidate(Node node) {
        if (current == node && node != null) {
            LOG.info("lost the connection to {}; will reconnect", node.endpoint());
            node.channel().shutdownNow();
            current = null;
        }
    }

    /** Moves to the leader a follower named. */
    synchronized void redirect(Node from, Endpoint leader) {
        if (current == from && from != null) {
            LOG.info("{} is not the leader; reconnecting to the leader at {}", from.endpoint(), leader);
            from.channel().shutdownNow();
            current = null;
            redirectTo = leader;
        }
    }

    /** The wait before attempt {@code attempt + 1}: the discovery interval, doubled each time, capped. */
    Duration backoff(int attempt) {
        long base = Math.max(1, settings.discoveryInterval().toMillis());
        long millis = base << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, ClientSettings.MAX_BACKOFF.toMillis()));
    }

    /** How many attempts a call gets: the connection string's maxDiscoverAttempts, at least one. */
    int maxAttempts() {
        return Math.max(1, settings.maxDiscoverAttempts());
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Runs a call on the current node. When the node cannot be reached the call is tried again on a
     * fresh connection after a backoff; a not-leader answer moves the connection to the leader and
     * tries again at once. Retrying is safe for appends because event ids make them idempotent.
     * Fails with the last failure once {@link #maxAttempts()} attempts are used up.
     */
    <T> CompletableFuture<T> execute(Function<Node, CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(call, result, 1);
        return result;
    }

    private <T> void attempt(Function<Node, CompletableFuture<T>> call, CompletableFuture<T> result, int attempt) {
        Node node;
        CompletableFuture<T> running;
        try {
            node = node();
            running = call.apply(node);
        } catch (RuntimeException e) {
            retryOrFail(call, result, attempt, null, e);
            return;
        }
        running.whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else {
                retryOrFail(call, result, attempt, node, failure);
            }
        });
    }

    private <T> void retryOrFail(Function<Node, CompletableFuture<T>> call, CompletableFuture<T> result, int attempt,
            Node node, Throwable failure) {
        Endpoint leader = Errors.notLeader(failure);
        boolean more = attempt < maxAttempts() && !isClosed();
        try {
            if (leader != null && more) {
                redirect(node, leader);
                scheduler.execute(() -> attempt(call, result, attempt + 1));
                return;
            }
            if (Errors.isConnectionFailure(failure) && more) {
                invalidate(node);
                scheduler.schedule(() -> attempt(call, result, attempt + 1), backoff(attempt).toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
        } catch (RejectedExecutionException closedMeanwhile) {
            // the client closed while this call was failing over: report the failure as it is
        }
        result.completeExceptionally(Errors.toCairn(failure));
    }

    /**
     * {@link #execute} for calls that block the caller (opening a read or a subscription): the same
     * reconnection, backoff and redirection, in the caller's thread.
     */
    <T> T executeBlocking(Function<Node, T> call) {
        for (int attempt = 1;; attempt++) {
            Node node = null;
            try {
                node = node();
                return call.apply(node);
            } catch (RuntimeException e) {
                if (attempt >= maxAttempts() || isClosed()) {
                    throw Errors.toCairn(e);
                }
                Endpoint leader = Errors.notLeader(e);
                if (leader != null) {
                    redirect(node, leader);
                } else if (Errors.isConnectionFailure(e)) {
                    invalidate(node);
                    sleep(backoff(attempt));
                } else {
                    throw Errors.toCairn(e);
                }
            }
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to reconnect", e);
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    // ---- connecting ----

    private Endpoint pick() {
        if (!settings.usesGossip()) {
            return settings.hosts().get(0);
        }
        List<Endpoint> seeds = new ArrayList<>(settings.hosts());
        Collections.shuffle(seeds);
        StatusRuntimeException last = null;
        for (Endpoint seed : seeds) {
            ManagedChannel channel = channel(seed);
            try {
                ClusterInfo info = GossipGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(settings.gossipTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .read(Proto.EMPTY);
                Optional<MemberInfo> member = NodeSelection.best(info, settings.nodePreference());
                if (member.isPresent()) {
                    Endpoint chosen = new Endpoint(member.get().getHttpEndPoint().getAddress(),
                            member.get().getHttpEndPoint().getPort());
                    LOG.debug("gossip from {} chose {} ({})", seed, chosen, member.get().getState());
                    return chosen;
                }
            } catch (StatusRuntimeException e) {
                LOG.debug("gossip seed {} failed: {}", seed, e.getStatus());
                last = e;
            } finally {
                channel.shutdownNow();
            }
        }
        throw Status.UNAVAILABLE.withDescription("no cluster node found through gossip seeds " + settings.hosts())
                .withCause(last).asRuntimeException();
    }

    private Node open(Endpoint endpoint) {
        ManagedChannel channel = channel(endpoint);
        try {
            SupportedMethods supported = ServerFeaturesGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(settings.callDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .getSupportedMethods(Proto.EMPTY);
            Set<String> methods = new HashSet<>();
            for (SupportedMethod m : supported.getMethodsList()) {
                methods.add(m.getServiceName().toLowerCase(Locale.ROOT) + "/" + m.getMethodName().toLowerCase(Locale.ROOT));
            }
            LOG.debug("connected to {} (version {}, {} methods)", endpoint, supported.getEventStoreServerVersion(),
                    methods.size());
            return new Node(endpoint, channel, methods, supported.getEventStoreServerVersion());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return new Node(endpoint, channel, Set.of(), ""); // a node older than ServerFeatures
            }
            channel.shutdownNow();
            throw e;
        }
    }

    private ManagedChannel channel(Endpoint endpoint) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE);
        if (!settings.keepAliveInterval().equals(ClientSettings.INFINITE)) {
            b.keepAliveTime(settings.keepAliveInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!settings.keepAliveTimeout().equals(ClientSettings.INFINITE)) {
            b.keepAliveTimeout(settings.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (settings.tls()) {
            b.useTransportSecurity().sslContext(sslContext());
        } else {
            b.usePlaintext();
        }
        return b.build();
    }

    private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext() {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient();
            if (!settings.tlsVerifyCert()) {
                ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (settings.tlsCaFile() != null) {
                ssl.trustManager(new File(settings.tlsCaFile()));
            }
            if (settings.userCertFile() != null) {
                ssl.keyManager(new File(settings.userCertFile()), new File(settings.userKeyFile()));
            }
            return ssl.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new StoreUnavailableException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        Node node;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            node = current;
            current = null;
        }
        scheduler.shutdownNow();
        if (node != null) {
            node.channel().shutdown();
            try {
                if (!node.channel().awaitTermination(2, TimeUnit.SECONDS)) {
                    node.channel().shutdownNow();
                }
            } catch (InterruptedException e) {
                node.channel().shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
