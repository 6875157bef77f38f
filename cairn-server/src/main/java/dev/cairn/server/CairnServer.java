package dev.cairn.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import dev.cairn.api.EventStore;
import dev.cairn.engine.security.Security;
import dev.cairn.engine.streams.EmbeddedEventStore;
import dev.cairn.server.grpc.CallLimits;
import dev.cairn.server.grpc.ConnectionLimit;
import dev.cairn.server.grpc.GossipService;
import dev.cairn.server.grpc.OperationsService;
import dev.cairn.server.grpc.PersistentSubscriptionsService;
import dev.cairn.server.grpc.ProjectionsService;
import dev.cairn.server.grpc.ServerFeaturesService;
import dev.cairn.server.grpc.StreamsService;
import dev.cairn.server.grpc.UsersService;
import dev.cairn.server.grpc.V2StreamsService;
import dev.cairn.server.security.CallAuthentication;
import dev.cairn.server.security.CallerEventStore;
import dev.cairn.server.security.LoginThrottle;
import dev.cairn.server.tls.NodeTls;
import dev.cairn.server.tls.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node's network face: KurrentDB's gRPC services and the HTTP endpoints on one port
 * (HTTP/2 and HTTP/1.1, over TLS or, with {@code --insecure}, in plain text), over an
 * {@link EventStore} it owns and closes on stop.
 *
 * <p>Stopping stops accepting calls, lets in-flight calls finish (up to {@link #DRAIN_TIMEOUT}),
 * then closes the store. Thread-safe; {@link #stop()} is idempotent.
 */
public final class CairnServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CairnServer.class);

    /** Longest time in-flight calls get to finish on stop; the store closes after that. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(3);

    /** Official clients ping every 10 s by default; an idle connection that pings is kept open. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    static {
        // The JDK's TLS serves well enough; skipping Armeria's BoringSSL probe saves seconds of
        // startup. An explicit -Dcom.linecorp.armeria.useOpenSsl still wins.
        if (System.getProperty("com.linecorp.armeria.useOpenSsl") == null) {
            System.setProperty("com.linecorp.armeria.useOpenSsl", "false");
        }
        // Netty's leak detector records a stack trace for one buffer in 128: ~4% of the node's CPU
        // while it streams a read. It is a debugging aid; -Dio.netty.leakDetection.level=simple
        // (as the tests run) turns it back on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
    }

    private final EventStore store;
    private final Server server;
    private final AtomicBoolean stopped;
    private final CountDownLatch terminated = new CountDownLatch(1);

    private final StreamsService streams;
    private final PersistentSubscriptionsService persistent;

    private final NodeTls tls;
    private final NodeMetrics metrics;

    private CairnServer(EventStore store, Server server, StreamsService streams,
            PersistentSubscriptionsService persistent, NodeTls tls, NodeMetrics metrics, AtomicBoolean stopped) {
        this.store = store;
        this.stopped = stopped;
        this.server = server;
        this.streams = streams;
        this.persistent = persistent;
        this.tls = tls;
        this.metrics = metrics;
    }

    /**
     * Starts serving {@code store} on {@code port} (0 picks a free one) with the default
     * {@link ServerLimits}. On failure the store is closed and the exception rethrown.
     *
     * @param maxAppendSize the store's limit on one append ({@code CairnOptions.maxAppendSize()})
     * @param maxEventSize the store's limit on one event ({@code CairnOptions.maxEventSize()})
     */
    public static CairnServer start(EventStore store, int port, long maxAppendSize, long maxEventSize) {
        return start(store, port, maxAppendSize, maxEventSize, ServerLimits.DEFAULTS);
    }

    /** As {@link #start(EventStore, int, long, long)}, within {@code limits}. */
    public static CairnServer start(EventStore store, int port, long maxAppendSize, long maxEventSize,
            ServerLimits limits) {
        return start(store, port, maxAppendSize, maxEventSize, null, null, null, limits);
    }

    /**
     * Starts serving {@code store} on {@code port} (0 picks a free one), over TLS when {@code tls}
     * is given, in plain text otherwise. With trusted roots in {@code tls}, clients may present a
     * certificate signed by one of them. On failure the store is closed and the exception
     * rethrown.
     *
     * @param maxAppendSize the store's limit on one append ({@code CairnOptions.maxAppendSize()})
     * @param maxEventSize the store's limit on one event ({@code CairnOptions.maxEventSize()})
     * @param tls the node's checked TLS material, or null to serve plain text ({@code --insecure})
     */
    public static CairnServer start(EventStore store, int port, long maxAppendSize, long maxEventSize,
            NodeTls tls) {
        return start(store, port, maxAppendSize, maxEventSize, tls, null, null, ServerLimits.DEFAULTS);
    }

    /** As below, with the default {@link ServerLimits}. */
    public static CairnServer start(EventStore store, int port, long maxAppendSize, long maxEventSize,
            NodeTls tls, Security security, LoginThrottle throttle) {
        return start(store, port, maxAppendSize, maxEventSize, tls, security, throttle, ServerLimits.DEFAULTS);
    }

    /**
     * Starts serving {@code store} as {@link #start(EventStore, int, long, long, NodeTls)}
     * does, within {@code limits}, and with {@code security} authenticates every gRPC call
     * ({@link CallAuthentication}) and serves it as its caller ({@link CallerEventStore}: stream ACLs
     * apply), and serves user management. Without {@code security} every caller has full access, as
     * KurrentDB's insecure mode gives.
     *
     * @param security users and access control, or null for none
     * @param throttle slows down password guessing; null for {@link LoginThrottle#defaults}
     * @param limits connections, concurrent calls, message size and subscriptions per connection
     */
    public static CairnServer start(EventStore store, int port, long maxAppendSize, long maxEventSize,
            NodeTls tls, Security security, LoginThrottle throttle, ServerLimits limits) {
        NodeMetrics metrics = null;
        try {
            AtomicBoolean stopped = new AtomicBoolean();
            // the Shutdown operation stops the node, which exists only once the server has started
            CompletableFuture<CairnServer> node = new CompletableFuture<>();
            EventStore served = security == null ? store : new CallerEventStore(security);
            StreamsService streams = new StreamsService(served, maxAppendSize, maxEventSize,
                    limits.maxSubscriptionsPerConnection());
            PersistentSubscriptionsService persistent = new PersistentSubscriptionsService(served);
            ConnectionLimit connections = new ConnectionLimit(limits.maxConnections());
            boolean projections = store instanceof EmbeddedEventStore e && e.projections() != null;
            GrpcServiceBuilder services = GrpcService.builder()
                    .addService(streams, StreamsService::definition)
                    .addService(persistent, PersistentSubscriptionsService::definition)
                    .addService(new V2StreamsService(served))
                    .addService(new ServerFeaturesService(security != null, projections))
                    .addService(new GossipService(Clock.systemUTC()))
                    .addService(new OperationsService(served, security, () -> Thread.ofPlatform().name("cairn-stop")
                            .start(() -> node.join().stop())));
            if (security != null) {
                services.addService(new UsersService(security));
            }
            if (store instanceof EmbeddedEventStore embedded && embedded.projections() != null) {
                services.addService(new ProjectionsService(embedded.projections(), embedded::headPosition,
                        security));
            }
            services
                    // Appends, deletes and the small calls only hand work to the store's writer and
                    // answer when it completes: they run on the event loops, with no thread hand-off
                    // per message. Calls that wait for the disk or the store run on the
                    // blocking-task executor: each service says which ({@code @Blocking}, ReadCall).
                    // On a secure node every call may check stream ACLs, which can read the index:
                    // there all calls start on the blocking-task executor.
                    .useBlockingTaskExecutor(security != null)
                    .maxRequestMessageLength(limits.maxMessageBytes())
                    .maxResponseMessageLength(Integer.MAX_VALUE);
            CallLimits.install(services, limits.maxConcurrentCalls(), connections);
            GrpcService grpc = services.build();
            ServerBuilder builder = Server.builder();
            if (tls == null) {
                builder.http(port);
            } else {
                // the material is looked up at each handshake, so that it can be reloaded
                builder.https(port).tls(tls.keyManagerFactory());
                if (tls.asksForClientCertificates()) {
                    // asked for, not required: callers without a certificate use basic auth
                    builder.tlsCustomizer(ssl -> ssl.clientAuth(ClientAuth.OPTIONAL).trustManager(tls.trustManager()));
                }
            }
            DecoratingHttpServiceFunction authentication = security == null ? null
                    : new CallAuthentication(security, throttle != null ? throttle : LoginThrottle.defaults(Clock.systemUTC()));
            NodeMetrics counted = new NodeMetrics(store);
            metrics = counted;
            if (store instanceof EmbeddedEventStore embedded) {
                embedded.observeFlushes(counted.flushObserver());
            }
            Server server = builder
                    .childChannelPipelineCustomizer(pipeline -> pipeline.addFirst(connections))
                    // no client reads them, and every response would carry both, encoded by the
                    // event loop and decoded by the client (see docs/benchmarks.md)
                    .disableServerHeader()
                    .disableDateHeader()
                    // beyond the soft limit calls are refused with a clear error; far beyond it,
                    // connections are closed outright so that a flood cannot exhaust the node
                    .maxNumConnections((int) Math.min(Integer.MAX_VALUE, 2L * limits.maxConnections()))
                    // counted outermost, so that refused calls count too
                    .service(grpc, service -> (authentication == null ? service : service.decorate(authentication))
                            .decorate(counted.grpcCalls()))
                    .service("/metrics", counted.endpoint())
                    .service("/health/live", (ctx, req) -> HttpResponse.of(HttpStatus.NO_CONTENT))
                    .service("/health/ready", new Readiness(store, stopped::get))
                    .service("/info", new NodeInfo(projections, security != null, stopped::get))
                    .route().post("/admin/reloadconfig").build(authentication == null ? new ReloadConfig(tls, null)
                            : new ReloadConfig(tls, security).decorate(authentication))
                    // reads and appends stream for as long as they need; gRPC deadlines still apply
                    .requestTimeout(Duration.ZERO)
                    .maxRequestLength(0)
                    .idleTimeout(IDLE_TIMEOUT, true)
                    .gracefulShutdownTimeout(Duration.ZERO, DRAIN_TIMEOUT)
                    .build();
            server.start().join();
            CairnServer started = new CairnServer(store, server, streams, persistent, tls, counted, stopped);
            node.complete(started);
            LOG.info("Cairn is ready: gRPC and HTTP on {} ({})", started.address(),
                    tls == null ? "plain text, --insecure" : "TLS");
            if (security != null) {
                LOG.info("every call is authenticated (basic credentials{}); stream ACLs apply",
                        tls != null && tls.asksForClientCertificates() ? " or a client certificate" : "");
            }
            return started;
        } catch (RuntimeException e) {
            store.close();
            if (metrics != null) {
                metrics.close();
            }
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
        return (tls != null ? "https" : "http") + "://0.0.0.0:" + port();
    }

    /**
     * Reads the node's certificate, private key and trusted roots again from their files and
     * serves them from the next TLS handshake on ({@code POST /admin/reloadconfig} and
     * {@code SIGHUP} do this); connections already open keep theirs.
     *
     * @return the material now served, or empty on a plain-text node (nothing to reload)
     * @throws IllegalArgumentException when the files do not pass the checks {@code cairn start}
     *     makes; the node then goes on serving the previous material
     */
    public Optional<TlsSettings.Material> reloadCertificates() {
        return tls == null ? Optional.empty() : Optional.of(tls.reload());
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
                metrics.close();
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
