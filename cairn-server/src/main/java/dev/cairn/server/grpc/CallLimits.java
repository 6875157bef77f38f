package dev.cairn.server.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Refuses, with {@code RESOURCE_EXHAUSTED} and a message naming the limit, a call that arrives on a
 * connection beyond the node's connection limit ({@link ConnectionLimit}) or when the node already
 * serves its maximum of concurrent calls. A call holds its slot until the node closes it or the
 * client cancels it, so long-lived calls (subscriptions) count for as long as they run.
 *
 * <p>Thread-safe.
 */
public final class CallLimits implements ServerInterceptor {

    private final int maxConcurrentCalls;
    private final ConnectionLimit connections;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Adds the limits to the gRPC services being built. */
    public static void install(com.linecorp.armeria.server.grpc.GrpcServiceBuilder services, int maxConcurrentCalls,
            ConnectionLimit connections) {
        services.intercept(new CallLimits(maxConcurrentCalls, connections));
    }

    CallLimits(int maxConcurrentCalls, ConnectionLimit connections) {
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.connections = connections;
    }

    /** Calls in progress now. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        SocketAddress remote = ctx == null ? null : ctx.remoteAddress();
        if (connections.isOverLimit(remote)) {
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many connections: this node serves at most "
                    + connections.max() + " at once (max-connections); close idle clients or raise the limit"),
                    new Metadata());
            return new ServerCall.Listener<>() { };
        }
        if (inFlight.incrementAndGet() > maxConcurrentCalls) {
            inFlight.decrementAndGet();
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many concurrent calls: this node serves at most "
                    + maxConcurrentCalls + " at once (max-concurrent-calls); retry later"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    release.run();
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(counted, headers);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    release.run();
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    release.run();
                }
            }
        };
    }
}
