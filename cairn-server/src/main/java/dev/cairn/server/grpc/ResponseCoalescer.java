package dev.cairn.server.grpc;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Sends the messages of a streaming gRPC response in as few HTTP/2 DATA frames as the client's
 * pace allows. Armeria writes and flushes each object of a streaming response on its own and
 * takes the next only once the write has completed, so a read that answers with N events costs N
 * frames and N socket writes. This decorator stands between the gRPC service and Armeria: it takes
 * the service's objects as they come, joins consecutive DATA into one (a gRPC body is a byte
 * stream of length-prefixed messages, so the client decodes the same messages from fewer frames),
 * and hands the result on when the connection has taken the previous one. Headers and trailers
 * pass unchanged and in order.
 *
 * <p>It holds at most {@link #MAX_BUFFERED} bytes: past that it stops taking objects from the
 * service, whose {@code isReady()} then turns false as before, so a slow client still holds the
 * node back. A client's cancel travels to the service as a cancel of its response.
 *
 * <p>It also keeps the call's deadline (the client's {@code grpc-timeout}, which the gRPC service
 * has made the request timeout). Left to Armeria, a timeout aborts the response this decorator
 * returns, which is not the gRPC service's own and knows nothing of gRPC: the stream ended in
 * RST_STREAM and the client saw INTERNAL rather than DEADLINE_EXCEEDED, whenever the node's timer
 * fired before the client's. So the decorator clears the request timeout and ends the call itself
 * when the deadline passes: it cancels the service's response and answers DEADLINE_EXCEEDED in gRPC
 * trailers, after the headers already sent or as a trailers-only response.
 *
 * <p>Thread-safety: one instance per call; every method runs on the call's event loop.
 */
final class ResponseCoalescer implements Subscriber<HttpObject> {

    /** Bytes taken from the service and not yet consumed by the connection before it stops taking more. */
    static final int MAX_BUFFERED = 256 * 1024;

    /** Largest DATA object handed on at once; HTTP/2 splits it into frames by the peer's frame size. */
    static final int MAX_CHUNK = 128 * 1024;

    private static final String GRPC_STATUS = "grpc-status";
    private static final String GRPC_MESSAGE = "grpc-message";
    private static final String DEADLINE_EXCEEDED = Integer.toString(Status.Code.DEADLINE_EXCEEDED.value());
    private static final MediaType GRPC_PROTO = MediaType.parse("application/grpc+proto");

    private final HttpResponseWriter out;
    private final EventExecutor eventLoop;
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private ByteArrayOutputStream data; // the DATA being joined, last in order, not yet in pending
    private Subscription upstream;
    private long pendingBytes;
    private long unconsumedBytes;
    private boolean pulling;
    private boolean drainScheduled;
    private boolean upstreamDone;
    private Throwable upstreamFailure;
    private boolean finished;
    private boolean headersSent;
    private ScheduledFuture<?> deadline;

    private ResponseCoalescer(HttpResponseWriter out, EventExecutor eventLoop) {
        this.out = out;
        this.eventLoop = eventLoop;
    }

    /** Put on a gRPC method ({@code @Decorator(ResponseCoalescer.Decorator.class)}) whose responses stream. */
    static final class Decorator implements DecoratingHttpServiceFunction {
        @Override
        public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
            return coalesce(delegate.serve(ctx, req), ctx);
        }
    }

    private static HttpResponse coalesce(HttpResponse response, ServiceRequestContext ctx) {
        HttpResponseWriter out = HttpResponse.streaming();
        ResponseCoalescer coalescer = new ResponseCoalescer(out, ctx.eventLoop().withoutContext());
        long timeoutMillis = ctx.requestTimeoutMillis();
        if (timeoutMillis > 0) {
            // counted from now rather than from the request's start: microseconds later than the client's
            ctx.clearRequestTimeout();
            coalescer.deadline = coalescer.eventLoop.schedule(coalescer::deadlineExceeded, timeoutMillis,
                    TimeUnit.MILLISECONDS);
        }
        // the connection cancelled (client reset, connection lost): cancel the service's response
        out.whenComplete().whenComplete((unused, failure) -> {
            if (failure != null) {
                coalescer.runOnEventLoop(coalescer::cancelUpstream);
            }
        });
        response.subscribe(coalescer, ctx.eventLoop().withoutContext());
        return out;
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        upstream = subscription;
        if (finished) {
            subscription.cancel(); // the connection cancelled first
            return;
        }
        pulling = true;
        subscription.request(1);
    }

    @Override
    public void onNext(HttpObject object) {
        if (finished) {
            return;
        }
        if (object instanceof HttpData d) {
            if (data == null || data.size() + d.length() > MAX_CHUNK) {
                closeData();
                data = new ByteArrayOutputStream(Math.max(d.length(), 4096));
            }
            data.write(d.array(), 0, d.length());
            pendingBytes += d.length();
        } else {
            closeData();
            pending.add(object);
        }
        scheduleDrain();
        pullIfRoom();
    }

    @Override
    public void onError(Throwable t) {
        upstreamDone = true;
        upstreamFailure = t;
        scheduleDrain();
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        scheduleDrain();
    }

    private void closeData() {
        if (data != null) {
            pending.add(HttpData.wrap(data.toByteArray()));
            data = null;
        }
    }

    private void pullIfRoom() {
        if (!upstreamDone && !finished && pendingBytes + unconsumedBytes < MAX_BUFFERED) {
            pulling = true;
            upstream.request(1);
        } else {
            pulling = false;
        }
    }

    /** Hands on what has gathered once the service's current burst is over: one task later. */
    private void scheduleDrain() {
        if (!drainScheduled) {
            drainScheduled = true;
            eventLoop.execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled = false;
        if (finished || unconsumedBytes > 0) {
            return; // the connection is still taking the previous objects; drained when it has
        }
        closeData();
        HttpObject next;
        long written = 0;
        while ((next = pending.poll()) != null) {
            if (next instanceof HttpData d) {
                written += d.length();
            } else if (next instanceof ResponseHeaders) {
                headersSent = true;
            }
            if (!out.tryWrite(next)) {
                cancelUpstream();
                return;
            }
        }
        pendingBytes = 0;
        if (upstreamDone) {
            finished = true;
            cancelDeadline();
            if (upstreamFailure != null) {
                out.abort(upstreamFailure);
            } else {
                out.close();
            }
            return;
        }
        if (written > 0) {
            unconsumedBytes = written;
            out.whenConsumed().thenRun(() -> runOnEventLoop(this::consumed));
        }
        if (!pulling) {
            pullIfRoom();
        }
    }

    private void consumed() {
        unconsumedBytes = 0;
        if (!pending.isEmpty() || data != null || upstreamDone) {
            scheduleDrain();
        }
        if (!pulling) {
            pullIfRoom();
        }
    }

    /**
     * On the event loop, when the call's deadline passes: unless the service has already ended the
     * call, stop it and answer DEADLINE_EXCEEDED.
     */
    private void deadlineExceeded() {
        if (finished || upstreamDone) {
            return; // the service's own ending is on its way
        }
        cancelUpstream();
        String message = "deadline exceeded";
        out.tryWrite(headersSent
                ? HttpHeaders.of(GRPC_STATUS, DEADLINE_EXCEEDED, GRPC_MESSAGE, message)
                : ResponseHeaders.builder(HttpStatus.OK).contentType(GRPC_PROTO).add(GRPC_STATUS, DEADLINE_EXCEEDED)
                        .add(GRPC_MESSAGE, message).endOfStream(true).build());
        out.close();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void cancelUpstream() {
        if (!finished) {
            cancelDeadline();
            finished = true;
            pending.clear();
            data = null;
            if (upstream != null) {
                upstream.cancel();
            }
        }
    }

    private void runOnEventLoop(Runnable task) {
        if (eventLoop.inEventLoop()) {
            task.run();
        } else {
            eventLoop.execute(task);
        }
    }
}
