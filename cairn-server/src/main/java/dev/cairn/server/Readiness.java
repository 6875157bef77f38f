package dev.cairn.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.common.HttpRequest;
import dev.cairn.api.CairnException;
import dev.cairn.api.EventStore;
import dev.cairn.engine.streams.EmbeddedEventStore;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health/ready}: whether the node can take writes. 204 when it can; 503 with a plain
 * text reason when it cannot: it is stopping, or its store stopped accepting writes after a
 * storage failure (fail-stop) and needs a restart. {@code /health/live} (KurrentDB's endpoint)
 * stays 204 while the process serves at all, since reads still work on a fail-stopped node.
 *
 * <p>Thread-safe: reads volatile state on each request.
 */
final class Readiness implements HttpService {

    private final EventStore store;
    private final BooleanSupplier stopping;

    Readiness(EventStore store, BooleanSupplier stopping) {
        this.store = store;
        this.stopping = stopping;
    }

    /** Why the node is not ready, or null when it is. */
    String notReadyReason() {
        if (stopping.getAsBoolean()) {
            return "the node is stopping";
        }
        if (store instanceof EmbeddedEventStore embedded) {
            CairnException failure = embedded.writeFailure();
            if (failure != null) {
                return "writes stopped after a storage failure (fail-stop); restart the node to recover: "
                        + failure.getMessage();
            }
        }
        return null;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        String reason = notReadyReason();
        if (reason == null) {
            return HttpResponse.of(HttpStatus.NO_CONTENT);
        }
        return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE, MediaType.PLAIN_TEXT_UTF_8, "not ready: " + reason);
    }
}
