package dev.cairn.server.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the catch-up subscriptions open at once on one client connection. A subscription takes a
 * slot before it is confirmed and gives it back when it ends, however it ends.
 *
 * <p>Thread-safe.
 */
final class SubscriptionSlots {

    private final int maxPerConnection;
    private final ConcurrentHashMap<SocketAddress, Integer> open = new ConcurrentHashMap<>();

    SubscriptionSlots(int maxPerConnection) {
        this.maxPerConnection = maxPerConnection;
    }

    /**
     * Takes a slot on the current call's connection.
     *
     * @return what gives the slot back (idempotent)
     * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED when the connection has its maximum
     */
    Runnable acquire() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        SocketAddress remote = ctx == null ? null : ctx.remoteAddress();
        if (remote == null) {
            return () -> { };
        }
        boolean[] taken = {false};
        open.compute(remote, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerConnection) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        if (!taken[0]) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("too many subscriptions on this connection: at most "
                    + maxPerConnection + " at once (max-subscriptions-per-connection); stop one or open another "
                    + "connection").asRuntimeException();
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(remote, (k, n) -> n <= 1 ? null : n - 1);
            }
        };
    }
}
