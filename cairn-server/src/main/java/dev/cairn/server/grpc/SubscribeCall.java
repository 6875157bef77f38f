package dev.cairn.server.grpc;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code Read} call with the subscription option: a catch-up subscription of the store whose
 * deliveries become {@code ReadResp} messages. First the confirmation, then events, {@code
 * caught_up} once history is done, and for filtered {@code $all} subscriptions checkpoints.
 *
 * <p>Flow control: the subscription's thread sends an event only while the client's transport is
 * ready (give or take a few, see {@link ReadCall#SLACK}), and otherwise waits for the on-ready
 * callback. A slow client therefore stops its own subscription reading, and the node buffers
 * nothing for it beyond the transport's window and those few messages.
 *
 * <p>Thread-safety: the handler thread sends the confirmation once the store has accepted the
 * subscription (so a refused caller gets only the error); the subscription's thread waits for it,
 * and from then on only that thread talks to {@code responses}; the gRPC callbacks only set flags
 * and wake it.
 */
final class SubscribeCall implements SubscriptionListener {

    /** KurrentDB scans this many events per page; a checkpoint every multiplier x this many. */
    static final int DEFAULT_CHECKPOINT_WINDOW = 32;

    private final ServerCallStreamObserver<Message> responses;
    private final ReadEventEncoder encoder; // the subscription calls one at a time
    private final Set<SubscribeCall> registry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private volatile boolean cancelled;
    private volatile boolean shuttingDown;
    private volatile Subscription subscription;
    /** Opened once the confirmation is sent; the subscription's thread sends nothing before. */
    private final CountDownLatch confirmed = new CountDownLatch(1);
    /** Messages sent since the transport last reported ready (subscription thread only). */
    private int unready;
    /** Gives back this call's subscription slot on its connection (idempotent). */
    private Runnable releaseSlot = () -> { };
    private Long lastRevision;
    private Position lastPosition;

    private SubscribeCall(ServerCallStreamObserver<Message> responses, boolean structuredIds,
            Set<SubscribeCall> registry) {
        this.responses = responses;
        this.encoder = new ReadEventEncoder(structuredIds);
        this.registry = registry;
    }

    /** Validates the request, confirms, and starts the subscription; errors end the call at once. */
    static void start(EventStore store, ReadReq.Options o, ServerCallStreamObserver<Message> responses,
            Set<SubscribeCall> registry, SubscriptionSlots slots) {
        if (o.getReadDirection() != ReadReq.Options.ReadDirection.Forwards) {
            throw GrpcErrors.invalidArgument("a subscription reads forwards");
        }
        boolean structured = !o.hasUuidOption() || o.getUuidOption().hasStructured();
        SubscribeCall call = new SubscribeCall(responses, structured, registry);
        SubscribeToStreamOptions streamOptions = null;
        SubscribeToAllOptions allOptions = null;
        StreamName stream = null;
        switch (o.getStreamOptionCase()) {
            case STREAM -> {
                stream = Wire.streamName(o.getStream().getStreamIdentifier());
                ReadReq.Options.StreamOptions s = o.getStream();
                StreamRevision after = switch (s.getRevisionOptionCase()) {
                    case REVISION -> StreamRevision.of(s.getRevision());
                    case START -> null;
                    case END -> StreamRevision.END;
                    case REVISIONOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("subscription needs a start revision");
                };
                streamOptions = new SubscribeToStreamOptions(after, o.getResolveLinks());
            }
            case ALL -> {
                ReadReq.Options.AllOptions a = o.getAll();
                Position after = switch (a.getAllOptionCase()) {
                    case POSITION -> Position.of(a.getPosition().getCommitPosition(), a.getPosition().getPreparePosition());
                    case START -> null;
                    case END -> Position.END;
                    case ALLOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("subscription needs a start position");
                };
                int interval = SubscribeToAllOptions.DEFAULT_CHECKPOINT_INTERVAL;
                if (o.hasFilter()) {
                    ReadReq.Options.FilterOptions f = o.getFilter();
                    long window = f.hasMax() && f.getMax() > 0 ? f.getMax() : DEFAULT_CHECKPOINT_WINDOW;
                    long multiplier = Math.max(1, Integer.toUnsignedLong(f.getCheckpointIntervalMultiplier()));
                    interval = (int) Math.min(Integer.MAX_VALUE, window * multiplier);
                }
                allOptions = new SubscribeToAllOptions(after, o.getResolveLinks(),
                        o.hasFilter() ? ReadCall.filter(o.getFilter()) : null, interval);
            }
            case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("subscription needs a stream or $all");
        }
        call.releaseSlot = slots.acquire();
        responses.setOnReadyHandler(call::wake);
        responses.setOnCancelHandler(call::cancel);
        registry.add(call);
        try {
            // first, so that a caller the store refuses (access denied) gets the error alone
            call.subscription = stream != null
                    ? store.subscribeToStream(stream, streamOptions, call)
                    : store.subscribeToAll(allOptions, call);
        } catch (RuntimeException e) {
            registry.remove(call);
            call.releaseSlot.run();
            throw e;
        }
        // KurrentDB confirms before it delivers anything (the subscription's thread waits for
        // this); the id is ours
        String id = UUID.randomUUID().toString();
        try {
            responses.onNext(ReadResp.newBuilder()
                    .setConfirmation(ReadResp.SubscriptionConfirmation.newBuilder().setSubscriptionId(id)).build());
        } finally {
            call.confirmed.countDown();
        }
        if (call.cancelled) {
            call.subscription.stop();
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

    private void cancel() {
        cancelled = true;
        stopSubscription();
        wake();
    }

    /** The node is stopping: end the call with UNAVAILABLE (clients resubscribe elsewhere). */
    void shutDown() {
        shuttingDown = true;
        stopSubscription();
        wake();
    }

    private void stopSubscription() {
        Subscription s = subscription;
        if (s != null) {
            s.stop();
        }
    }

    private void awaitConfirmed() {
        try {
            confirmed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the confirmation is out and the transport takes more, allowing
     * {@link ReadCall#SLACK} messages past the moment it stops reporting ready; false if the call
     * ended meanwhile.
     */
    private boolean awaitReady() {
        awaitConfirmed();
        if (responses.isReady()) {
            unready = 0;
            return true;
        }
        if (unready < ReadCall.SLACK) {
            unready++;
            return !cancelled && !shuttingDown;
        }
        lock.lock();
        try {
            while (!responses.isReady() && !cancelled && !shuttingDown) {
                ready.await();
            }
            unready = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
        return !cancelled && !shuttingDown;
    }

    @Override
    public void onEvent(Subscription s, ResolvedEvent event) {
        if (!awaitReady()) {
            return;
        }
        responses.onNext(encoder.readResp(event));
        lastRevision = event.originalEvent().revision();
        lastPosition = event.position();
    }

    @Override
    public void onCheckpoint(Subscription s, Position position) {
        if (!awaitReady()) {
            return;
        }
        lastPosition = position;
        responses.onNext(ReadResp.newBuilder().setCheckpoint(ReadResp.Checkpoint.newBuilder()
                .setCommitPosition(position.commit()).setPreparePosition(position.prepare())
                .setTimestamp(now())).build());
    }

    @Override
    public void onCaughtUp(Subscription s) {
        if (!awaitReady()) {
            return;
        }
        ReadResp.CaughtUp.Builder caughtUp = ReadResp.CaughtUp.newBuilder().setTimestamp(now());
        if (lastRevision != null && lastPosition != null) {
            caughtUp.setStreamRevision(lastRevision);
        }
        if (lastPosition != null) {
            caughtUp.setPosition(ReadResp.Position.newBuilder().setCommitPosition(lastPosition.commit())
                    .setPreparePosition(lastPosition.prepare()));
        }
        responses.onNext(ReadResp.newBuilder().setCaughtUp(caughtUp).build());
    }

    @Override
    public void onStopped(Subscription s, Throwable error) {
        awaitConfirmed();
        registry.remove(this);
        releaseSlot.run();
        if (cancelled) {
            return;
        }
        if (error != null) {
            responses.onError(GrpcErrors.toStatus(error));
        } else if (shuttingDown) {
            responses.onError(Status.UNAVAILABLE.withDescription("the node is shutting down").asRuntimeException());
        } else {
            responses.onCompleted();
        }
    }

    private static Timestamp now() {
        Instant t = Instant.now();
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
