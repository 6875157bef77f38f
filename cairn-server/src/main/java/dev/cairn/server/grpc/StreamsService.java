package dev.cairn.server.grpc;

import com.google.protobuf.Message;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Decorator;
import dev.cairn.api.AppendResult;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.AppendResp;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.BatchAppendResp;
import dev.cairn.protocol.streams.DeleteReq;
import dev.cairn.protocol.streams.DeleteResp;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.protocol.streams.TombstoneReq;
import dev.cairn.protocol.streams.TombstoneResp;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * {@code event_store.client.streams.Streams}, KurrentDB's v1 streams service, over an
 * {@link EventStore}: Append, BatchAppend, Read (with the subscription option: a catch-up
 * subscription), Delete and Tombstone. Thread-safe: each call keeps its own state.
 *
 * <p>Appends, deletes and tombstones run on the connection's event loop: they only hand the work
 * to the store, and answer from the event loop when it completes ({@link CallThreads}). Reads wait
 * for the disk and run on the blocking-task executor ({@link Blocking}); their messages leave in
 * as few DATA frames as the client's pace allows ({@link ResponseCoalescer}).
 *
 * <p>Read and Append are bound by hand ({@link #definition()}). Read's responses are any
 * {@link Message} that is a {@code ReadResp} on the wire, so that events go out as the bytes
 * {@link ReadEventEncoder} made ({@link EncodedReadResp}) and everything else as generated messages.
 * Append's requests are read by {@link AppendReqDecoder}, events straight from the wire. The wire
 * contract (methods, request and response types) is the generated one. The class is deliberately
 * not a {@code BindableService}: the generated binding would leave Read and Append unimplemented.
 */
public final class StreamsService implements StreamsGrpc.AsyncService {

    private final EventStore store;
    private final AppendLimits limits;
    private final Set<SubscribeCall> subscriptions = ConcurrentHashMap.newKeySet();
    private final SubscriptionSlots subscriptionSlots;

    /**
     * @param maxAppendSize the store's limit on one append, in bytes as KurrentDB counts them; an
     *     Append call that streams more is refused at once instead of being buffered to the end
     * @param maxEventSize the store's limit on one event, checked as each event arrives
     * @param maxSubscriptionsPerConnection catch-up subscriptions one connection may hold at once
     */
    public StreamsService(EventStore store, long maxAppendSize, long maxEventSize, int maxSubscriptionsPerConnection) {
        this.store = store;
        this.limits = new AppendLimits(maxAppendSize, maxEventSize);
        this.subscriptionSlots = new SubscriptionSlots(maxSubscriptionsPerConnection);
    }

    /**
     * Ends every subscription call with UNAVAILABLE, so that a stopping node does not wait for
     * calls that never end by themselves.
     */
    public void shutDownSubscriptions() {
        subscriptions.forEach(SubscribeCall::shutDown);
    }

    /**
     * Read, as {@link #definition()} binds it. Armeria finds its annotations by the method's name
     * (the generated {@code read} is not bound).
     */
    @Blocking
    @Decorator(ResponseCoalescer.Decorator.class)
    public void read(ReadReq request, ServerCallStreamObserver<Message> responses) {
        if (request.getOptions().hasSubscription()) {
            CallMetrics.markSubscription();
        }
        ReadCall.start(store, request, responses, subscriptions, subscriptionSlots);
    }

    /**
     * The service as the node serves it: the generated binding, with Read's responses allowed to be
     * encoded ones ({@link EncodedReadResp#rebind}) and Append's and BatchAppend's requests read by
     * {@link AppendReqDecoder}. Register it with Armeria's {@code addService(this,
     * StreamsService::definition)}, so that the annotations of this class apply.
     */
    public ServerServiceDefinition definition() {
        ServerServiceDefinition withRead = EncodedReadResp.rebind(StreamsGrpc.bindService(this),
                StreamsGrpc.getReadMethod(), ReadResp.getDefaultInstance(), ServerCalls.asyncServerStreamingCall(
                        (request, responses) -> read(request, (ServerCallStreamObserver<Message>) responses)));
        MethodDescriptor<AppendReq, AppendResp> generated = StreamsGrpc.getAppendMethod();
        MethodDescriptor<Object, AppendResp> append = generated.toBuilder(AppendReqDecoder.marshaller(),
                generated.getResponseMarshaller()).build();
        MethodDescriptor<BatchAppendReq, BatchAppendResp> generatedBatch = StreamsGrpc.getBatchAppendMethod();
        MethodDescriptor<Object, BatchAppendResp> batchAppend = generatedBatch.toBuilder(
                AppendReqDecoder.batchMarshaller(), generatedBatch.getResponseMarshaller()).build();
        ServerServiceDefinition withAppend = MethodBindings.replace(withRead, ServerMethodDefinition.create(append,
                ServerCalls.asyncClientStreamingCall(AppendCall::new)));
        return MethodBindings.replace(withAppend, ServerMethodDefinition.create(batchAppend,
                ServerCalls.asyncBidiStreamingCall(responses -> new BatchAppendCall(store, limits, responses))));
    }

    @Override
    public void delete(DeleteReq request, StreamObserver<DeleteResp> responses) {
        try {
            DeleteReq.Options o = request.getOptions();
            StreamName stream = Wire.streamName(o.getStreamIdentifier());
            StreamState expected = Wire.expectedState(o.hasRevision(), o.getRevision(), o.hasNoStream(), o.hasAny(),
                    o.hasStreamExists());
            store.deleteAsync(stream, expected).whenCompleteAsync((result, failure) -> {
                if (failure != null) {
                    responses.onError(GrpcErrors.toStatus(failure));
                } else {
                    responses.onNext(deleteResp(result));
                    responses.onCompleted();
                }
            }, CallThreads.eventLoop());
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void tombstone(TombstoneReq request, StreamObserver<TombstoneResp> responses) {
        try {
            TombstoneReq.Options o = request.getOptions();
            StreamName stream = Wire.streamName(o.getStreamIdentifier());
            StreamState expected = Wire.expectedState(o.hasRevision(), o.getRevision(), o.hasNoStream(), o.hasAny(),
                    o.hasStreamExists());
            store.tombstoneAsync(stream, expected).whenCompleteAsync((result, failure) -> {
                if (failure != null) {
                    responses.onError(GrpcErrors.toStatus(failure));
                } else {
                    responses.onNext(tombstoneResp(result));
                    responses.onCompleted();
                }
            }, CallThreads.eventLoop());
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
        }
    }

    private static DeleteResp deleteResp(DeleteResult result) {
        return DeleteResp.newBuilder().setPosition(DeleteResp.Position.newBuilder()
                .setCommitPosition(result.position().commit())
                .setPreparePosition(result.position().prepare())).build();
    }

    private static TombstoneResp tombstoneResp(DeleteResult result) {
        return TombstoneResp.newBuilder().setPosition(TombstoneResp.Position.newBuilder()
                .setCommitPosition(result.position().commit())
                .setPreparePosition(result.position().prepare())).build();
    }

    /**
     * Messages of an Append asked for at a time. gRPC's stubs ask for one message after each, and
     * each ask goes through Armeria's stream machinery: at 100-event appends that was a few percent
     * of an event loop's time. Asking for a few dozen at a time keeps the bound on what is read ahead
     * of the call (the HTTP/2 window still holds the client back) while asking rarely.
     */
    private static final int APPEND_DEMAND = 64;

    /**
     * One Append call: the options message first, then the proposed messages; the append is made
     * when the client half-closes. Calls on one observer are serialized by gRPC.
     */
    private final class AppendCall implements StreamObserver<Object> {
        private final ServerCallStreamObserver<AppendResp> responses;
        private final Executor respondOn = CallThreads.eventLoop();
        private int untilRequest = APPEND_DEMAND;
        private StreamName stream;
        private StreamState expected;
        private final List<EventData> events = new ArrayList<>();
        private long size;
        private boolean failed;

        AppendCall(StreamObserver<AppendResp> responses) {
            this.responses = (ServerCallStreamObserver<AppendResp>) responses;
            this.responses.disableAutoRequest();
            this.responses.request(APPEND_DEMAND);
        }

        /**
         * {@code message}: an {@link AppendReqDecoder.Proposed}, an {@link AppendReqDecoder.Options} or
         * an {@link AppendReq}, as the decoder read it.
         */
        @Override
        public void onNext(Object message) {
            if (--untilRequest == 0) { // read on after a failure too, as the stubs do: the client is still sending
                untilRequest = APPEND_DEMAND;
                responses.request(APPEND_DEMAND);
            }
            if (failed) {
                return;
            }
            try {
                if (message instanceof AppendReqDecoder.Proposed proposed) {
                    requireOptions();
                    add(Wire.eventData(proposed));
                    return;
                }
                if (message instanceof AppendReqDecoder.Options options) {
                    options(options);
                    return;
                }
                AppendReq request = (AppendReq) message;
                switch (request.getContentCase()) {
                    case OPTIONS -> options(AppendReqDecoder.Options.of(request.getOptions()));
                    case PROPOSED_MESSAGE -> {
                        requireOptions();
                        add(Wire.eventData(request.getProposedMessage()));
                    }
                    case CONTENT_NOT_SET -> throw GrpcErrors.invalidArgument("append request has no content");
                }
            } catch (RuntimeException e) {
                failed = true;
                responses.onError(GrpcErrors.toStatus(e));
            }
        }

        private void options(AppendReqDecoder.Options o) {
            if (stream != null) {
                throw GrpcErrors.invalidArgument("append options must be sent once, first");
            }
            stream = StreamName.of(o.streamName());
            expected = Wire.expectedState(o.hasRevision(), o.revision(), o.noStream(), o.any(), o.streamExists());
        }

        private void requireOptions() {
            if (stream == null) {
                throw GrpcErrors.invalidArgument("append options must come before the events");
            }
        }

        private void add(EventData event) {
            size = limits.add(stream, event, size);
            events.add(event);
        }

        @Override
        public void onError(Throwable t) {
            failed = true; // the client cancelled; nothing was written
        }

        @Override
        public void onCompleted() {
            if (failed) {
                return;
            }
            if (stream == null) {
                responses.onError(GrpcErrors.invalidArgument("append options are required"));
                return;
            }
            try {
                // completed on the event loop, where the answer goes out at once
                store.appendAsync(stream, expected, events, respondOn).whenComplete((result, failure) -> {
                    if (failure == null) {
                        responses.onNext(success(result));
                        responses.onCompleted();
                    } else if (unwrap(failure) instanceof WrongExpectedVersionException wev) {
                        responses.onNext(wrongExpectedVersion(wev));
                        responses.onCompleted();
                    } else {
                        responses.onError(GrpcErrors.toStatus(failure));
                    }
                });
            } catch (RuntimeException e) {
                responses.onError(GrpcErrors.toStatus(e));
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static AppendResp success(AppendResult result) {
        AppendResp.Success.Builder s = AppendResp.Success.newBuilder();
        if (result.nextExpectedRevision() < 0) {
            // an append of no events to a stream that has none: nothing was written anywhere
            s.setNoStream(Wire.EMPTY).setNoPosition(Wire.EMPTY);
        } else {
            s.setCurrentRevision(result.nextExpectedRevision());
            s.setPosition(AppendResp.Position.newBuilder()
                    .setCommitPosition(result.position().commit())
                    .setPreparePosition(result.position().prepare()));
        }
        return AppendResp.newBuilder().setSuccess(s).build();
    }

    /** A wrong expected version as KurrentDB answers it: a normal response, legacy fields too. */
    static AppendResp wrongExpectedVersion(WrongExpectedVersionException e) {
        AppendResp.WrongExpectedVersion.Builder w = AppendResp.WrongExpectedVersion.newBuilder();
        switch (e.expected()) {
            case StreamState.Any a -> w.setExpectedAny(Wire.EMPTY).setAny2060(Wire.EMPTY);
            case StreamState.StreamExists s -> w.setExpectedStreamExists(Wire.EMPTY).setStreamExists2060(Wire.EMPTY);
            case StreamState.NoStream n -> w.setExpectedNoStream(Wire.EMPTY).setExpectedRevision2060(-1L);
            case StreamState.AtRevision r -> w.setExpectedRevision(r.revision()).setExpectedRevision2060(r.revision());
            case StreamState.Deleted d -> throw new IllegalStateException("only a v2 check expects " + d);
            case StreamState.Tombstoned t -> throw new IllegalStateException("only a v2 check expects " + t);
        }
        if (e.actual() instanceof StreamState.AtRevision r) {
            w.setCurrentRevision(r.revision()).setCurrentRevision2060(r.revision());
        } else {
            w.setCurrentNoStream(Wire.EMPTY).setNoStream2060(Wire.EMPTY);
        }
        return AppendResp.newBuilder().setWrongExpectedVersion(w).build();
    }
}
