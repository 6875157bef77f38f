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
import com.linecorp.armeria.common.stream.SubscriptionOption;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
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
 * <p>Buffers: it takes the service's DATA as Armeria's pooled buffers and copies them once, into a
 * pooled buffer per joined DATA, which the connection releases once written; whatever it still holds
 * when the call ends early is released here. (Taken unpooled, each message was copied to the heap
 * by Armeria, then into a growing array, then out of it: four copies of every byte read.)
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
    private final ByteBufAllocator alloc;
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private ByteBuf data; // the DATA being joined (pooled), last in order, not yet in pending
    /** Size of the last joined DATA: the next one starts at that capacity, so a steady read rarely grows one. */
    private int lastChunk = 4096;
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

    private ResponseCoalescer(HttpResponseWriter out, EventExecutor eventLoop, ByteBufAllocator alloc) {
        this.out = out;
        this.eventLoop = eventLoop;
        this.alloc = alloc;
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
        ResponseCoalescer coalescer = new ResponseCoalescer(out, ctx.eventLoop().withoutContext(), ctx.alloc());
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
        response.subscribe(coalescer, ctx.eventLoop().withoutContext(), SubscriptionOption.WITH_POOLED_OBJECTS);
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
        if (object instanceof HttpData d) {
            try {
                if (finished) {
                    return;
                }
                if (data == null || data.readableBytes() + d.length() > MAX_CHUNK) {
                    closeData();
                    data = alloc.buffer(Math.max(d.length(), lastChunk));
                }
                data.writeBytes(d.byteBuf(), d.byteBuf().readerIndex(), d.length());
                pendingBytes += d.length();
            } finally {
                d.close(); // the service's pooled buffer: copied, or dropped after a cancel
            }
        } else if (finished) {
            return;
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
            lastChunk = Math.min(MAX_CHUNK, Math.max(4096, data.readableBytes()));
            pending.add(HttpData.wrap(data)); // pooled: the connection releases it once written
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
            for (HttpObject object; (object = pending.poll()) != null; ) {
                if (object instanceof HttpData d) {
                    d.close();
                }
            }
            if (data != null) {
                data.release();
                data = null;
            }
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
