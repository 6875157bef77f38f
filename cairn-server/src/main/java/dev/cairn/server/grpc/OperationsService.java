package dev.cairn.server.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import dev.cairn.api.EventStore;
import dev.cairn.engine.security.Authorizer;
import dev.cairn.engine.security.Security;
import dev.cairn.protocol.operations.OperationsGrpc;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.server.security.CallPrincipal;
import io.grpc.stub.StreamObserver;
import org.slf4j.LoggerFactory;

/**
 * {@code event_store.client.operations.Operations}, KurrentDB's node operations, as far as a single
 * Cairn node has them:
 * <ul>
 *   <li>{@code Shutdown} answers, then stops the node as SIGTERM does: in-flight calls finish,
 *       subscriptions end, the store closes, and {@code cairn start} exits 0.
 *   <li>{@code RestartPersistentSubscriptions} restarts the persistent subscriptions, as
 *       {@code PersistentSubscriptions.RestartSubsystem} does.
 * </ul>
 * Both are for {@code $ops} and {@code $admins} on a secure node (KurrentDB's rule), for anyone on
 * an insecure one. The others answer {@code UNIMPLEMENTED}, the generated default: Cairn has no
 * scavenge yet, RocksDB merges its index files by itself, and a node without a cluster has no
 * leadership to resign or priority to set. Thread-safe (stateless).
 *
 * <p>Runs on Armeria's blocking-task executor ({@link Blocking}): a restart waits for the store.
 */
@Blocking
public final class OperationsService extends OperationsGrpc.OperationsImplBase {

    private final EventStore served;
    private final Security security;
    private final Runnable shutdown;

    /**
     * @param served the store as the node serves it (with security, one that checks each caller)
     * @param security users and access control, or null on an insecure node
     * @param shutdown stops the node; called on the call's thread once the answer is handed to
     *     gRPC (the stop's drain lets it go out), so it must hand the stop to a thread of its own
     */
    public OperationsService(EventStore served, Security security, Runnable shutdown) {
        this.served = served;
        this.security = security;
        this.shutdown = shutdown;
    }

    @Override
    public void shutdown(Empty request, StreamObserver<Empty> responses) {
        boolean allowed = GrpcErrors.answer(responses, () -> {
            checkNodeOperations();
            return Wire.EMPTY;
        });
        if (allowed) {
            ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
            LoggerFactory.getLogger(OperationsService.class).info("Operations.Shutdown called by {} from {}: stopping",
                    CallPrincipal.current().name().isEmpty() ? "an anonymous caller" : CallPrincipal.current().name(),
                    ctx == null ? "?" : ctx.remoteAddress());
            shutdown.run();
        }
    }

    @Override
    public void restartPersistentSubscriptions(Empty request, StreamObserver<Empty> responses) {
        GrpcErrors.answer(responses, () -> {
            served.persistentSubscriptions().restart(); // checks the caller itself on a secure node
            return Wire.EMPTY;
        });
    }

    private void checkNodeOperations() {
        if (security != null) {
            security.authorizer().check(CallPrincipal.current(), Authorizer.Operation.NODE_OPERATIONS);
        }
    }
}
