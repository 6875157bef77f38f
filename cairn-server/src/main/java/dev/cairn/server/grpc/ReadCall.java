package dev.cairn.server.grpc;

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
import java.util.List;
import java.util.Set;

/**
 * One Read call (stream or {@code $all}; with the subscription option see {@link SubscribeCall}): opens an {@link EventIterator} and sends its events only
 * while the client's transport is ready ({@link ServerCallStreamObserver#isReady()}, give or take {@link #SLACK}
 * messages), resuming from the on-ready handler, so a huge read never buffers more than the
 * transport's window and a few messages.
 *
 * <p>Thread-safety: {@link #pump()} may be called from the handler thread and from on-ready
 * callbacks; it is synchronized and idempotent.
 */
final class ReadCall {

    /**
     * Messages sent past the moment the transport stops reporting ready. Armeria reports ready
     * only when nothing at all is pending, so sending strictly while ready would cost a thread
     * hand-off and a write per event; a small slack keeps the batch moving while bounding what
     * the node buffers for a slow client.
     */
    static final int SLACK = 64;

    private final ServerCallStreamObserver<ReadResp> responses;
    private final EventIterator events;
    private final boolean structuredIds;
    private long remaining;
    private boolean done;

    private ReadCall(ServerCallStreamObserver<ReadResp> responses, EventIterator events, long count,
            boolean structuredIds) {
        this.responses = responses;
        this.events = events;
        this.remaining = count;
        this.structuredIds = structuredIds;
    }

    static void start(EventStore store, ReadReq request, ServerCallStreamObserver<ReadResp> responses,
            Set<SubscribeCall> subscriptions, SubscriptionSlots slots) {
        ReadReq.Options o = request.getOptions();
        StreamName stream = null;
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
                    stream = Wire.streamName(o.getStream().getStreamIdentifier());
                    yield store.readStream(stream, new ReadStreamOptions(direction, revision(o.getStream()), count,
                            o.getResolveLinks()));
                }
                case ALL -> store.readAll(new ReadAllOptions(direction, position(o.getAll()), count,
                        o.getResolveLinks(), o.hasFilter() ? filter(o.getFilter()) : null));
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("read needs a stream or $all");
            };
        } catch (StreamNotFoundException e) {
            responses.onNext(ReadResp.newBuilder().setStreamNotFound(ReadResp.StreamNotFound.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier(e.stream()))).build());
            responses.onCompleted();
            return;
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        boolean structured = !o.hasUuidOption() || o.getUuidOption().hasStructured();
        ReadCall call = new ReadCall(responses, events, count, structured);
        responses.setOnCancelHandler(call::cancel);
        responses.setOnReadyHandler(call::pump);
        call.pump();
    }

    synchronized void pump() {
        try {
            int unready = 0;
            while (!done) {
                if (responses.isReady()) {
                    unready = 0;
                } else if (++unready > SLACK) {
                    return; // the on-ready handler pumps again
                }
                if (remaining == 0 || !events.hasNext()) {
                    finish();
                    responses.onCompleted();
                    return;
                }
                responses.onNext(ReadResp.newBuilder().setEvent(Wire.readEvent(events.next(), structuredIds)).build());
                remaining--;
            }
        } catch (RuntimeException e) {
            if (!done) {
                finish();
                responses.onError(GrpcErrors.toStatus(e));
            }
        }
    }

    synchronized void cancel() {
        if (!done) {
            finish();
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
