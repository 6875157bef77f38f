package dev.cairn.server.grpc;

import com.google.protobuf.Message;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventStore;
import dev.cairn.api.NackAction;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.Principal;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.protocol.persistentsubscriptions.ReadReq;
import dev.cairn.protocol.persistentsubscriptions.ReadResp;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.server.security.CallPrincipal;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One persistent subscription {@code Read} call: one consumer of a group. The first request names
 * the group and the consumer's buffer size; the node answers with the confirmation (the group's id,
 * {@code stream::group}) and then events, each with its retry count. Later requests acknowledge or
 * nack events by id. The client's half-close changes nothing (KurrentDB keeps sending); its cancel
 * ends the consumer, whose unacknowledged events go to the group's other consumers.
 *
 * <p>Flow control: the consumer's thread sends an event only while the transport is ready; the
 * group never sends the consumer more than its buffer size unacknowledged, so nothing piles up.
 *
 * <p>Thread-safety: the handler thread sends the confirmation, and only after it the consumer's
 * thread sends events and ends the call; gRPC callbacks only set flags, wake that thread, and
 * pass acks and nacks to the group (which is thread-safe).
 */
final class PersistentReadCall implements StreamObserver<ReadReq>, PersistentSubscriptionListener {

    private final EventStore store;
    private final ServerCallStreamObserver<Message> responses;
    private final Set<PersistentReadCall> registry;
    private final String connectionName;
    private final String from;
    private final CountDownLatch confirmed = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private volatile PersistentSubscription consumer;
    /** Set from the options, before the consumer starts; then used by the consumer's thread only. */
    private volatile ReadEventEncoder encoder = new ReadEventEncoder(true);
    private volatile boolean cancelled;
    private volatile boolean shuttingDown;
    private volatile boolean ended;

    PersistentReadCall(EventStore store, ServerCallStreamObserver<Message> responses, Set<PersistentReadCall> registry) {
        this.store = store;
        this.responses = responses;
        this.registry = registry;
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        String name = ctx == null ? null : ctx.request().headers().get("connection-name");
        this.connectionName = name == null ? "<unknown>" : name;
        this.from = ctx == null ? "unknown" : String.valueOf(ctx.remoteAddress());
        responses.setOnReadyHandler(this::wake);
        responses.setOnCancelHandler(this::cancel);
    }

    @Override
    public void onNext(ReadReq request) {
        if (ended || cancelled) {
            return;
        }
        PersistentSubscription c = consumer;
        if (c == null) {
            start(request);
            return;
        }
        switch (request.getContentCase()) {
            case ACK -> c.ack(ids(request.getAck().getIdsList()));
            case NACK -> {
                NackAction action = switch (request.getNack().getAction()) {
                    case Unknown -> NackAction.UNKNOWN;
                    case Park -> NackAction.PARK;
                    case Retry -> NackAction.RETRY;
                    case Skip -> NackAction.SKIP;
                    case Stop -> NackAction.STOP;
                    // KurrentDB drops a nack it cannot read
                    case UNRECOGNIZED -> null;
                };
                if (action != null) {
                    c.nack(action, request.getNack().getReason(), ids(request.getNack().getIdsList()));
                }
            }
            // a second options message, or an empty one: KurrentDB ignores it too
            case OPTIONS, CONTENT_NOT_SET -> { }
        }
    }

    private static List<java.util.UUID> ids(List<UUID> wire) {
        List<java.util.UUID> ids = new ArrayList<>(wire.size());
        for (UUID id : wire) {
            ids.add(Wire.uuid(id));
        }
        return ids;
    }

    /** The first request: join the group, confirm, then let events flow. */
    private void start(ReadReq request) {
        try {
            if (request.getContentCase() != ReadReq.ContentCase.OPTIONS) {
                throw GrpcErrors.invalidArgument("the first message of a persistent subscription must be its options");
            }
            ReadReq.Options o = request.getOptions();
            StreamName source = switch (o.getStreamOptionCase()) {
                case STREAM_IDENTIFIER -> Wire.streamName(o.getStreamIdentifier());
                case ALL -> StreamName.of(StreamName.ALL);
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a stream or $all is required");
            };
            if (o.getBufferSize() <= 0) {
                throw GrpcErrors.invalidArgument("buffer size must be positive, was " + o.getBufferSize());
            }
            encoder = new ReadEventEncoder(
                    o.getUuidOption().getContentCase() != ReadReq.Options.UUIDOption.ContentCase.STRING);
            registry.add(this);
            consumer = store.persistentSubscriptions().subscribe(source, o.getGroupName(),
                    new ConsumerOptions(o.getBufferSize(), connectionName, from, user()), this);
        } catch (RuntimeException e) {
            registry.remove(this);
            ended = true;
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        try {
            responses.onNext(ReadResp.newBuilder().setSubscriptionConfirmation(
                    ReadResp.SubscriptionConfirmation.newBuilder().setSubscriptionId(consumer.id())).build());
        } catch (RuntimeException e) {
            // the call ended meanwhile: the consumer leaves, its events go to the others
            cancelled = true;
        } finally {
            confirmed.countDown();
        }
        if (cancelled || shuttingDown) {
            consumer.stop();
        }
    }

    @Override
    public void onError(Throwable t) {
        cancel();
    }

    @Override
    public void onCompleted() {
        // the client stops sending acks; KurrentDB keeps delivering until the call is cancelled
    }

    private void cancel() {
        cancelled = true;
        stopConsumer();
        wake();
    }

    /** The node is stopping: end the call with UNAVAILABLE (clients reconnect elsewhere). */
    void shutDown() {
        shuttingDown = true;
        stopConsumer();
        wake();
    }

    private void stopConsumer() {
        PersistentSubscription c = consumer;
        if (c != null) {
            c.stop();
        }
    }

    private void wake() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the confirmation to be out and the transport to take more; false if the call ended. */
    private boolean awaitReady() {
        try {
            confirmed.await();
            if (responses.isReady()) {
                return !cancelled && !shuttingDown;
            }
            lock.lock();
            try {
                while (!responses.isReady() && !cancelled && !shuttingDown) {
                    ready.await();
                }
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !cancelled && !shuttingDown;
    }

    @Override
    public void onEvent(PersistentSubscription subscription, ResolvedEvent event, int retryCount) {
        if (!awaitReady()) {
            return;
        }
        responses.onNext(encoder.persistentReadResp(event, retryCount));
    }

    @Override
    public void onStopped(PersistentSubscription subscription, Throwable error) {
        registry.remove(this);
        ended = true;
        try {
            confirmed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cancelled) {
            return;
        }
        if (shuttingDown) {
            responses.onError(Status.UNAVAILABLE.withDescription("the node is shutting down").asRuntimeException());
        } else if (error != null) {
            responses.onError(GrpcErrors.toStatus(error));
        } else {
            responses.onCompleted();
        }
    }

    /** The consumer's user as KurrentDB reports it: the caller's login, or "anonymous". */
    private static String user() {
        Principal caller = CallPrincipal.current();
        return caller.isAuthenticated() ? caller.name() : "anonymous";
    }
}
