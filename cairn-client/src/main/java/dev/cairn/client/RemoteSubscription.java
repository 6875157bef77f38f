package dev.cairn.client;

import dev.cairn.api.Position;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import io.grpc.StatusRuntimeException;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A catch-up subscription over gRPC ({@code Read} with the subscription option) that survives the
 * node going away: when the call fails because the node cannot be reached or is stopping, it
 * reconnects with backoff and subscribes again after the last event (or checkpoint) it delivered,
 * so the listener sees every event once, in order, across reconnections.
 *
 * <p>Threading: one virtual thread per subscription pulls messages from a {@link ResponseStream},
 * which lets the node send only a window of messages ahead of the listener: a slow listener holds
 * back its own call, and the client buffers at most that window.
 * Every listener method is called from that thread. {@link #stop()} may be called from any thread.
 */
final class RemoteSubscription implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSubscription.class);

    private final String id = UUID.randomUUID().toString();
    private final Connection connection;
    private final Function<ReadReq, Function<Node, ResponseStream<ReadResp>>> opener;
    private final StreamName stream;
    private final SubscribeToAllOptions allOptions;
    private final boolean resolveLinks;
    private final SubscriptionListener listener;
    private final Consumer<RemoteSubscription> onEnd;
    private volatile boolean stopped;
    private volatile Throwable stopError;
    private volatile ResponseStream<ReadResp> call;
    private volatile Node node;
    // resume points, touched only by the subscription's thread after start
    private StreamRevision afterRevision;
    private Position afterPosition;
    private boolean caughtUpReported;

    private RemoteSubscription(Connection connection, Function<ReadReq, Function<Node, ResponseStream<ReadResp>>> opener,
            StreamName stream, StreamRevision afterRevision, SubscribeToAllOptions allOptions, boolean resolveLinks,
            SubscriptionListener listener, Consumer<RemoteSubscription> onEnd) {
        this.connection = connection;
        this.opener = opener;
        this.stream = stream;
        this.afterRevision = afterRevision;
        this.allOptions = allOptions;
        this.afterPosition = allOptions == null ? null : allOptions.after();
        this.resolveLinks = resolveLinks;
        this.listener = listener;
        this.onEnd = onEnd;
    }

    /**
     * Subscribes to {@code stream} and returns once the node confirmed; {@code after} must already
     * be a concrete revision or null (the caller resolves "from the end").
     *
     * @param opener starts a {@code Read} call with the request on a node
     */
    static RemoteSubscription toStream(Connection connection, Function<ReadReq, Function<Node, ResponseStream<ReadResp>>> opener,
            StreamName stream, SubscribeToStreamOptions options, StreamRevision after, SubscriptionListener listener,
            Consumer<RemoteSubscription> onEnd) {
        RemoteSubscription s = new RemoteSubscription(connection, opener, stream, after, null, options.resolveLinks(),
                listener, onEnd);
        s.start();
        return s;
    }

    /** Subscribes to {@code $all}; {@code options.after()} must be a concrete position or null. */
    static RemoteSubscription toAll(Connection connection, Function<ReadReq, Function<Node, ResponseStream<ReadResp>>> opener,
            SubscribeToAllOptions options, SubscriptionListener listener, Consumer<RemoteSubscription> onEnd) {
        RemoteSubscription s = new RemoteSubscription(connection, opener, null, null, options, options.resolveLinks(),
                listener, onEnd);
        s.start();
        return s;
    }

    private void start() {
        ResponseStream<ReadResp> first = connection.executeBlocking(this::open);
        Thread.ofVirtual().name("cairn-client-subscription-" + id).start(() -> run(first));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void stop() {
        end(null);
    }

    /** Ends the subscription with {@code error} (null: stopped by the user). */
    void end(Throwable error) {
        if (stopped) {
            return;
        }
        stopError = error;
        stopped = true;
        ResponseStream<ReadResp> c = call;
        if (c != null) {
            c.close();
        }
    }

    private ReadReq request() {
        ReadReq.Options.Builder o = ReadReq.Options.newBuilder()
                .setReadDirection(ReadReq.Options.ReadDirection.Forwards)
                .setResolveLinks(resolveLinks)
                .setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
                .setUuidOption(Proto.structuredIds());
        if (stream != null) {
            o.setStream(Proto.streamOptions(stream, afterRevision)).setNoFilter(Proto.EMPTY);
        } else {
            o.setAll(Proto.allOptions(afterPosition));
            if (allOptions.filter() != null) {
                o.setFilter(Proto.filter(allOptions.filter(), allOptions.checkpointInterval()));
            } else {
                o.setNoFilter(Proto.EMPTY);
            }
        }
        return ReadReq.newBuilder().setOptions(o).build();
    }

    /** Starts a call on {@code node} and waits for the node to confirm it. */
    private ResponseStream<ReadResp> open(Node node) {
        if (stopped) {
            throw new StoreUnavailableException("the subscription was stopped");
        }
        this.node = node;
        ResponseStream<ReadResp> c = opener.apply(request()).apply(node);
        call = c;
        if (stopped) {
            c.close();
        }
        try {
            c.hasNext(); // waits for the confirmation, or the failure
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void run(ResponseStream<ReadResp> responses) {
        Throwable error = null;
        try {
            while (!stopped) {
                try {
                    deliver(responses);
                    // the node ended the call without an error: it stopped serving it; subscribe again
                } catch (StatusRuntimeException e) {
                    if (stopped) {
                        break;
                    }
                    Endpoint leader = Errors.notLeader(e);
                    if (leader != null) {
                        connection.redirect(node, leader);
                    } else if (Errors.isConnectionFailure(e)) {
                        connection.invalidate(node);
                    } else {
                        error = Errors.fromStatus(e);
                        break;
                    }
                    LOG.info("subscription {} lost its node ({}); subscribing again", id, e.getStatus());
                }
                if (!stopped) {
                    responses = reopen();
                }
            }
        } catch (ListenerFailure f) {
            error = f.getCause();
        } catch (RuntimeException e) {
            error = stopped ? null : e;
        } finally {
            ResponseStream<ReadResp> c = call;
            if (c != null) {
                c.close();
            }
            onEnd.accept(this);
            Throwable reported = error != null ? error : stopError;
            try {
                listener.onStopped(this, reported);
            } catch (RuntimeException e) {
                LOG.warn("subscription {}: onStopped threw", id, e);
            }
        }
    }

    private ResponseStream<ReadResp> reopen() {
        Connection.sleep(connection.backoff(1));
        return connection.executeBlocking(this::open);
    }

    private void deliver(ResponseStream<ReadResp> responses) {
        while (!stopped && responses.hasNext()) {
            ReadResp r = responses.next();
            if (stopped) {
                return;
            }
            switch (r.getContentCase()) {
                case EVENT -> {
                    ResolvedEvent e = Proto.resolvedEvent(r.getEvent());
                    if (stream != null) {
                        afterRevision = StreamRevision.of(e.originalEvent().revision());
                    } else {
                        afterPosition = e.position();
                    }
                    call(() -> listener.onEvent(this, e));
                }
                case CHECKPOINT -> {
                    Position p = Position.of(r.getCheckpoint().getCommitPosition(), r.getCheckpoint().getPreparePosition());
                    if (stream == null) {
                        afterPosition = p;
                    }
                    call(() -> listener.onCheckpoint(this, p));
                }
                case CAUGHT_UP -> {
                    if (!caughtUpReported) {
                        caughtUpReported = true;
                        call(() -> listener.onCaughtUp(this));
                    }
                }
                default -> {
                    // confirmation, fell-behind and position markers need no action
                }
            }
        }
    }

    private static void call(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException | Error e) {
            throw new ListenerFailure(e);
        }
    }

    /** What a listener threw, carried out of the delivery loop. */
    private static final class ListenerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerFailure(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
