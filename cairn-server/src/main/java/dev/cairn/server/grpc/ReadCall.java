package dev.cairn.server.grpc;

import com.google.protobuf.Message;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamRevision;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Read call (stream or {@code $all}; with the subscription option see {@link SubscribeCall}).
 * It opens an {@link EventIterator} and reads it in batches on the blocking-task executor (the
 * iterator reads the disk), each batch at most {@link #BATCH_EVENTS} events or about
 * {@link #BATCH_BYTES} bytes, and sends each batch in one task on the call's event loop, so a read
 * costs two thread hand-offs per batch rather than one per event. The next batch is read while the
 * event loop sends the previous one, up to {@link #AHEAD} batches waiting to be sent; once a send
 * finds the transport not ready ({@link ServerCallStreamObserver#isReady()}), reading stops until
 * the on-ready handler. So a huge read never sends more than a batch or two past the transport's
 * readiness, however slow the client.
 *
 * <p>Thread-safety: at most one batch is read at a time ({@link #reading}), and batches are sent in
 * order by the one event loop; the iterator is used under this object's lock, which a cancel also
 * takes.
 */
final class ReadCall {

    /** Most events read and sent per hand-off. */
    static final int BATCH_EVENTS = 256;

    /** A batch ends once its encoded messages reach this many bytes. */
    static final int BATCH_BYTES = 128 * 1024;

    /**
     * Messages sent past the moment the transport stops reporting ready. Armeria reports ready
     * only when nothing at all is pending, so a subscription that sent strictly while ready would
     * cost a thread hand-off and a write per event; a small slack keeps the batch moving while
     * bounding what the node buffers for a slow client ({@link SubscribeCall}).
     */
    static final int SLACK = 64;

    /**
     * Batches read ahead of the event loop: the next batch is read while the loop sends the
     * previous one, so that neither waits for the other's thread hand-off.
     */
    static final int AHEAD = 2;

    private final ServerCallStreamObserver<Message> responses;
    private final EventIterator events;
    private final ReadEventEncoder encoder; // guarded by this
    private final Executor eventLoop;
    private final Executor reader;
    /** Held while a batch is being read; the call starts holding it. */
    private final AtomicBoolean reading = new AtomicBoolean(true);
    /** Batches read and handed to the event loop, not yet sent. */
    private final AtomicInteger unsent = new AtomicInteger();
    /** What the transport said last: asked after each send, told by the on-ready handler. */
    private volatile boolean transportReady = true;
    private volatile boolean cancelled;
    private long remaining; // guarded by this
    private boolean done; // guarded by this

    private ReadCall(ServerCallStreamObserver<Message> responses, EventIterator events, long count,
            boolean structuredIds, Executor eventLoop, Executor reader) {
        this.responses = responses;
        this.events = events;
        this.remaining = count;
        this.encoder = new ReadEventEncoder(structuredIds);
        this.eventLoop = eventLoop;
        this.reader = reader;
    }

    /** Starts the call; runs on the blocking-task executor (the read may wait for the disk). */
    static void start(EventStore store, ReadReq request, ServerCallStreamObserver<Message> responses,
            Set<SubscribeCall> subscriptions, SubscriptionSlots slots) {
        ReadReq.Options o = request.getOptions();
        Executor eventLoop = CallThreads.eventLoop();
        EventIterator events;
        long count;
        try {
            switch (o.getCountOptionCase()) {
                case SUBSCRIPTION -> {
                    SubscribeCall.start(store, o, responses, subscriptions, slots);
                    return;
                }
                case COUNT -> count = o.getCount() < 0 ? Long.MAX_VALUE : o.getCount();
                default -> throw GrpcErrors.invalidArgument("read count is required");
            }
            ReadDirection direction = switch (o.getReadDirection()) {
                case Forwards -> ReadDirection.FORWARDS;
                case Backwards -> ReadDirection.BACKWARDS;
                case UNRECOGNIZED -> throw GrpcErrors.invalidArgument("unknown read direction");
            };
            if (count == 0) {
                responses.onCompleted();
                return;
            }
            events = switch (o.getStreamOptionCase()) {
                case STREAM -> {
                    StreamName stream = Wire.streamName(o.getStream().getStreamIdentifier());
                    yield store.readStream(stream, new ReadStreamOptions(direction, revision(o.getStream()), count,
                            o.getResolveLinks()));
                }
                case ALL -> store.readAll(new ReadAllOptions(direction, position(o.getAll()), count,
                        o.getResolveLinks(), o.hasFilter() ? filter(o.getFilter()) : null));
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("read needs a stream or $all");
            };
        } catch (StreamNotFoundException e) {
            ReadResp notFound = ReadResp.newBuilder().setStreamNotFound(ReadResp.StreamNotFound.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier(e.stream()))).build();
            eventLoop.execute(() -> {
                responses.onNext(notFound);
                responses.onCompleted();
            });
            return;
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        boolean structured = !o.hasUuidOption() || o.getUuidOption().hasStructured();
        ReadCall call = new ReadCall(responses, events, count, structured, eventLoop, CallThreads.blocking());
        responses.setOnCancelHandler(call::cancel);
        responses.setOnReadyHandler(call::ready);
        call.read();
    }

    /** Reads the next batch (the caller holds {@link #reading}) and hands it to the event loop. */
    private void read() {
        List<Message> batch = new ArrayList<>();
        boolean end = false;
        RuntimeException failure = null;
        synchronized (this) {
            if (done) {
                return; // cancelled
            }
            try {
                long bytes = 0;
                while (batch.size() < BATCH_EVENTS && bytes < BATCH_BYTES) {
                    if (remaining == 0 || !events.hasNext()) {
                        end = true;
                        break;
                    }
                    Message message = encoder.readResp(events.next());
                    bytes += message.getSerializedSize();
                    batch.add(message);
                    remaining--;
                }
            } catch (RuntimeException e) {
                failure = e;
                end = true;
            }
            if (end) {
                finish();
            }
        }
        boolean last = end;
        RuntimeException error = failure;
        unsent.incrementAndGet();
        eventLoop.execute(() -> send(batch, last, error));
        if (!last) {
            reading.set(false);
            // after the flag: a send or the on-ready handler that came meanwhile found it still set and
            // left the next read to this thread
            if (transportReady) {
                resume();
            }
        } // else reading stays set: nothing more to read
    }

    /** Sends a batch; runs on the event loop, where each message goes out without a further task. */
    private void send(List<Message> batch, boolean last, RuntimeException failure) {
        if (cancelled) {
            return;
        }
        for (Message message : batch) {
            responses.onNext(message);
        }
        if (failure != null) {
            responses.onError(GrpcErrors.toStatus(failure));
        } else if (last) {
            responses.onCompleted();
        } else {
            unsent.decrementAndGet();
            transportReady = responses.isReady();
            if (transportReady) {
                resume();
            } // else the on-ready handler resumes
        }
    }

    /** The on-ready handler: the transport takes more. */
    private void ready() {
        transportReady = true;
        resume();
    }

    /** Reads the next batch unless one is being read or {@link #AHEAD} wait to be sent. */
    private void resume() {
        if (!cancelled && unsent.get() < AHEAD && reading.compareAndSet(false, true)) {
            reader.execute(this::read);
        }
    }

    private void cancel() {
        cancelled = true;
        synchronized (this) {
            if (!done) {
                finish();
            }
        }
    }

    private void finish() {
        done = true;
        events.close();
    }

    private static StreamRevision revision(ReadReq.Options.StreamOptions s) {
        return switch (s.getRevisionOptionCase()) {
            case REVISION -> StreamRevision.of(s.getRevision());
            case START -> StreamRevision.START;
            case END -> StreamRevision.END;
            case REVISIONOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("read needs a start revision");
        };
    }

    private static Position position(ReadReq.Options.AllOptions a) {
        return switch (a.getAllOptionCase()) {
            case POSITION -> Position.of(a.getPosition().getCommitPosition(), a.getPosition().getPreparePosition());
            case START -> Position.START;
            case END -> Position.END;
            case ALLOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("read of $all needs a start position");
        };
    }

    static EventFilter filter(ReadReq.Options.FilterOptions f) {
        EventFilter.Target target;
        ReadReq.Options.FilterOptions.Expression e;
        switch (f.getFilterCase()) {
            case STREAM_IDENTIFIER -> {
                target = EventFilter.Target.STREAM_NAME;
                e = f.getStreamIdentifier();
            }
            case EVENT_TYPE -> {
                target = EventFilter.Target.EVENT_TYPE;
                e = f.getEventType();
            }
            default -> throw GrpcErrors.invalidArgument("filter needs a stream name or event type expression");
        }
        if (!e.getRegex().isEmpty()) {
            if (e.getPrefixCount() > 0) {
                throw GrpcErrors.invalidArgument("a filter takes a regex or prefixes, not both");
            }
            return new EventFilter(target, List.of(), e.getRegex());
        }
        if (e.getPrefixCount() == 0) {
            throw GrpcErrors.invalidArgument("a filter needs a regex or at least one prefix");
        }
        return new EventFilter(target, e.getPrefixList(), null);
    }
}
