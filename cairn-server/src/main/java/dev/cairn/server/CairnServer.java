package dev.cairn.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.cairn.api.EventStore;
import dev.cairn.server.grpc.GossipService;
import dev.cairn.server.grpc.PersistentSubscriptionsService;
import dev.cairn.server.grpc.ServerFeaturesService;
import dev.cairn.server.grpc.StreamsService;
import dev.cairn.server.grpc.V2StreamsService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node's network face: KurrentDB's gRPC services and the HTTP endpoints on one port
 * (HTTP/2 cleartext and HTTP/1.1), over an {@link EventStore} it owns and closes on stop.
 *
 * <p>Stopping stops accepting calls, lets in-flight calls finish (up to {@link #DRAIN_TIMEOUT}),
 * then closes the store. Thread-safe; {@link #stop()} is idempotent.
 */
public final class CairnServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CairnServer.class);

    /** Longest time in-flight calls get to finish on stop; the store closes after that. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(3);

    /** gRPC messages up to KurrentDB's v1 limit (16 MiB - 10000 bytes). */
    static final int MAX_MESSAGE_BYTES = (16 << 20) - 10_000;

    /** Official clients ping every 10 s by default; an idle connection that pings is kept open. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    static {
        // Cairn serves plain text only so far; skipping Armeria's BoringSSL probe saves seconds
        // of startup. An explicit -Dcom.linecorp.armeria.useOpenSsl still wins.
        if (System.getProperty("com.linecorp.armeria.useOpenSsl") == null) {
            System.setProperty("com.linecorp.armeria.useOpenSsl", "false");
        }
    }

    private final EventStore store;
    private final Server server;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private final StreamsService streams;
    private final PersistentSubscriptionsService persistent;

    private CairnServer(EventStore store, Server server, StreamsService streams,
            PersistentSubscriptionsService persistent) {
        this.store = store;
        this.server = server;
        this.streams = streams;
        this.persistent = persistent;
    }

    /**
     * Starts serving {@code store} on {@code port} (0 picks a free one). On failure the store is
     * closed and the exception rethrown.
     *
     * @param maxAppendSize the store's limit on one append ({@code CairnOptions.maxAppendSize()})
     * @param maxEventSize the store's limit on one event ({@code CairnOptions.maxEventSize()})
     */
    public static CairnServer start(EventStore store, int port, long maxAppendSize, long maxEventSize) {
        try {
            StreamsService streams = new StreamsService(store, maxAppendSize, maxEventSize);
            PersistentSubscriptionsService persistent = new PersistentSubscriptionsService(store);
            GrpcService grpc = GrpcService.builder()
                    .addService(streams)
                    .addService(persistent)
                    .addService(new V2StreamsService(store))
                    .addService(new ServerFeaturesService())
                    .addService(new GossipService(Clock.systemUTC()))
                    // reads and appends touch the disk: keep them off the event loops
                    .useBlockingTaskExecutor(true)
                    .maxRequestMessageLength(MAX_MESSAGE_BYTES)
                    .maxResponseMessageLength(Integer.MAX_VALUE)
                    .build();
            Server server = Server.builder()
                    .http(port)
                    .service(grpc)
                    .service("/health/live", (ctx, req) -> HttpResponse.of(HttpStatus.NO_CONTENT))
                    // reads and appends stream for as long as they need; gRPC deadlines still apply
                    .requestTimeout(Duration.ZERO)
                    .maxRequestLength(0)
                    .idleTimeout(IDLE_TIMEOUT, true)
                    .gracefulShutdownTimeout(Duration.ZERO, DRAIN_TIMEOUT)
                    .build();
            server.start().join();
            CairnServer node = new CairnServer(store, server, streams, persistent);
            LOG.info("Cairn is ready: gRPC and HTTP on {} (plain text, --insecure)", node.address());
            return node;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The store this node serves. */
    public EventStore store() {
        return store;
    }

    /** The port actually bound. */
    public int port() {
        return server.activeLocalPort();
    }

    /** The address as a client would write it. */
    public String address() {
        return "http://0.0.0.0:" + port();
    }

    /** Stops accepting calls, waits for in-flight ones, closes the store. Idempotent. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            awaitTermination();
            return;
        }
        try {
            LOG.info("Cairn is stopping: finishing in-flight calls");
            CompletableFuture<Void> stopping = server.stop();
            // subscriptions never finish by themselves: end them so the drain does not wait for them
            streams.shutDownSubscriptions();
            persistent.shutDownConsumers();
            stopping.join();
        } catch (RuntimeException e) {
            LOG.warn("stopping the server failed; closing the store anyway", e);
        } finally {
            try {
                store.close();
                LOG.info("Cairn stopped");
            } finally {
                terminated.countDown();
            }
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitTermination() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
