package dev.cairn.server.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.concurrent.Executor;

/**
 * The threads a call's work runs on. Armeria serves a connection on one event loop; a response
 * sent from that loop goes out at once, while one sent from another thread (the store's completion
 * thread, the blocking-task executor) costs a task on the loop per message, per header block and
 * per close. So answers to asynchronous work hop to the call's event loop once and send everything
 * there; work that waits for the disk runs on the blocking-task executor.
 *
 * <p>Both must be asked for on a thread where the call's request context is current (the handler
 * or a listener callback); outside one (never in a served call) they run tasks directly.
 */
final class CallThreads {

    private static final Executor DIRECT = Runnable::run;

    private CallThreads() {
    }

    /** The event loop of the current call: answers sent from it need no further hand-off. */
    static Executor eventLoop() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        return ctx == null ? DIRECT : ctx.eventLoop();
    }

    /** Armeria's blocking-task executor, with the current call's context, for work that waits for the disk. */
    static Executor blocking() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        return ctx == null ? DIRECT : ctx.blockingTaskExecutor();
    }
}
