package dev.cairn.server.grpc;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;

/**
 * What the node's metrics need to know of a call that only its service can tell, passed through
 * the call's request context: whether a {@code Read} is a subscription (whose duration is not a
 * read's), and where a {@code BatchAppend} call reports the time each of its batches took.
 */
public final class CallMetrics {

    /** Set on a {@code Read} call that subscribes. */
    public static final AttributeKey<Boolean> SUBSCRIPTION = AttributeKey.valueOf(CallMetrics.class, "subscription");

    /** Put by the metrics on a {@code BatchAppend} call: told of each batch answered. */
    public static final AttributeKey<BatchTimer> BATCH_TIMER = AttributeKey.valueOf(CallMetrics.class, "batchTimer");

    /** Records one batch of a {@code BatchAppend} call. Thread-safe. */
    @FunctionalInterface
    public interface BatchTimer {
        /**
         * @param nanos from the batch's last request to its answer
         * @param ok whether it was written or answered a wrong expected version (an answer, not a failure)
         */
        void batchAnswered(long nanos, boolean ok);
    }

    private static final BatchTimer NONE = (nanos, ok) -> { };

    private CallMetrics() {}

    /** Marks the current call, if any, as a subscription. */
    static void markSubscription() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx != null) {
            ctx.setAttr(SUBSCRIPTION, Boolean.TRUE);
        }
    }

    /** The timer the metrics put on the current call; one that records nothing when there is none. */
    static BatchTimer batchTimer() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        BatchTimer timer = ctx == null ? null : ctx.attr(BATCH_TIMER);
        return timer == null ? NONE : timer;
    }
}
