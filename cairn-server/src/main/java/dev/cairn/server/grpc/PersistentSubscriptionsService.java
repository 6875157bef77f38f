package dev.cairn.server.grpc;

import com.google.protobuf.Message;
import com.linecorp.armeria.server.annotation.Blocking;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventStore;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.StreamName;
import dev.cairn.protocol.persistentsubscriptions.CreateReq;
import dev.cairn.protocol.persistentsubscriptions.CreateResp;
import dev.cairn.protocol.persistentsubscriptions.DeleteReq;
import dev.cairn.protocol.persistentsubscriptions.DeleteResp;
import dev.cairn.protocol.persistentsubscriptions.GetInfoReq;
import dev.cairn.protocol.persistentsubscriptions.GetInfoResp;
import dev.cairn.protocol.persistentsubscriptions.ListReq;
import dev.cairn.protocol.persistentsubscriptions.ListResp;
import dev.cairn.protocol.persistentsubscriptions.PersistentSubscriptionsGrpc;
import dev.cairn.protocol.persistentsubscriptions.ReadReq;
import dev.cairn.protocol.persistentsubscriptions.ReadResp;
import dev.cairn.protocol.persistentsubscriptions.ReplayParkedReq;
import dev.cairn.protocol.persistentsubscriptions.ReplayParkedResp;
import dev.cairn.protocol.persistentsubscriptions.TruncateParkedReq;
import dev.cairn.protocol.persistentsubscriptions.TruncateParkedResp;
import dev.cairn.protocol.persistentsubscriptions.UpdateReq;
import dev.cairn.protocol.persistentsubscriptions.UpdateResp;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code event_store.client.persistent_subscriptions.PersistentSubscriptions}, KurrentDB's
 * competing consumers, over the store's {@link PersistentSubscriptions}: Create, Update, Delete,
 * Read (one consumer per call, {@link PersistentReadCall}), GetInfo, List, ReplayParked,
 * TruncateParked and RestartSubsystem, for streams and {@code $all}.
 *
 * <p>Errors travel as KurrentDB sends them (see {@link GrpcErrors}): a group that exists already
 * is ALREADY_EXISTS, a missing one NOT_FOUND, a full one FAILED_PRECONDITION, and a request the
 * server refuses (bad start position, unknown strategy, read batch not below the buffer) INTERNAL
 * with {@code exception=persistent-subscription-failed} and the reason. Thread-safe.
 *
 * <p>Runs on Armeria's blocking-task executor ({@link Blocking}): management calls wait for the
 * store, and consumers block while the client is not ready for more.
 */
@Blocking
public final class PersistentSubscriptionsService implements PersistentSubscriptionsGrpc.AsyncService {

    private static final StreamName ALL = StreamName.of(StreamName.ALL);

    private final EventStore store;
    private final Set<PersistentReadCall> calls = ConcurrentHashMap.newKeySet();

    public PersistentSubscriptionsService(EventStore store) {
        this.store = store;
    }

    /** Ends every Read call with UNAVAILABLE, so that a stopping node does not wait for them. */
    public void shutDownConsumers() {
        calls.forEach(PersistentReadCall::shutDown);
    }

    private PersistentSubscriptions subscriptions() {
        return store.persistentSubscriptions();
    }

    /** Runs a management request; a rule its values break is reported as KurrentDB reports a refusal. */
    private static void refusing(StreamName source, String group, Runnable request) {
        try {
            request.run();
        } catch (InvalidArgumentException e) {
            throw PersistentSubscriptionException.failed(source, group, e.getMessage());
        }
    }

    private static StreamName stream(StreamIdentifier id) {
        return Wire.streamName(id);
    }

    @Override
    public void create(CreateReq request, StreamObserver<CreateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            CreateReq.Options o = request.getOptions();
            String group = o.getGroupName();
            switch (o.getStreamOptionCase()) {
                case STREAM, STREAMOPTION_NOT_SET -> {
                    StreamName stream;
                    StartFrom start;
                    if (o.getStreamOptionCase() == CreateReq.Options.StreamOptionCase.STREAM) {
                        CreateReq.StreamOptions s = o.getStream();
                        stream = stream(s.getStreamIdentifier());
                        start = switch (s.getRevisionOptionCase()) {
                            case REVISION -> PersistentWire.revision(s.getRevision());
                            case START -> StartFrom.start();
                            case END -> StartFrom.end();
                            case REVISIONOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a start revision is required");
                        };
                    } else {
                        // clients before 21.10 name the stream and start in the deprecated fields
                        stream = stream(deprecatedStream(o));
                        start = PersistentWire.revision(deprecatedRevision(o.getSettings()));
                    }
                    if (stream.isAll()) {
                        throw PersistentSubscriptionException.failed(stream, group,
                                "Persistent subscriptions to $all are only supported over gRPC through gRPC clients");
                    }
                    refusing(stream, group, () -> subscriptions().createToStream(stream, group,
                            PersistentWire.settings(o.getSettings(), start)));
                }
                case ALL -> {
                    CreateReq.AllOptions a = o.getAll();
                    refusing(ALL, group, () -> {
                        StartFrom start = switch (a.getAllOptionCase()) {
                            case POSITION -> PersistentWire.position(a.getPosition().getCommitPosition(),
                                    a.getPosition().getPreparePosition());
                            case START -> StartFrom.start();
                            case END -> StartFrom.end();
                            case ALLOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a start position is required");
                        };
                        EventFilter filter = a.getFilterOptionCase() == CreateReq.AllOptions.FilterOptionCase.FILTER
                                ? PersistentWire.filter(a.getFilter()) : null;
                        subscriptions().createToAll(group, PersistentWire.settings(o.getSettings(), start), filter);
                    });
                }
            }
            return CreateResp.getDefaultInstance();
        });
    }

    @SuppressWarnings("deprecation")
    private static StreamIdentifier deprecatedStream(CreateReq.Options o) {
        return o.getStreamIdentifier();
    }

    @SuppressWarnings("deprecation")
    private static long deprecatedRevision(CreateReq.Settings s) {
        return s.getRevision();
    }

    @Override
    public void update(UpdateReq request, StreamObserver<UpdateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            UpdateReq.Options o = request.getOptions();
            String group = o.getGroupName();
            switch (o.getStreamOptionCase()) {
                case STREAM, STREAMOPTION_NOT_SET -> {
                    StreamName stream;
                    StartFrom start;
                    if (o.getStreamOptionCase() == UpdateReq.Options.StreamOptionCase.STREAM) {
                        UpdateReq.StreamOptions s = o.getStream();
                        stream = stream(s.getStreamIdentifier());
                        start = switch (s.getRevisionOptionCase()) {
                            case REVISION -> PersistentWire.revision(s.getRevision());
                            case START -> StartFrom.start();
                            case END -> StartFrom.end();
                            case REVISIONOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a start revision is required");
                        };
                    } else {
                        stream = stream(deprecatedStream(o));
                        start = PersistentWire.revision(deprecatedRevision(o.getSettings()));
                    }
                    if (stream.isAll()) {
                        throw PersistentSubscriptionException.failed(stream, group,
                                "Persistent subscriptions to $all are only supported over gRPC through gRPC clients");
                    }
                    refusing(stream, group, () -> subscriptions().update(stream, group,
                            PersistentWire.settings(o.getSettings(), start)));
                }
                case ALL -> {
                    UpdateReq.AllOptions a = o.getAll();
                    refusing(ALL, group, () -> {
                        StartFrom start = switch (a.getAllOptionCase()) {
                            case POSITION -> PersistentWire.position(a.getPosition().getCommitPosition(),
                                    a.getPosition().getPreparePosition());
                            case START -> StartFrom.start();
                            case END -> StartFrom.end();
                            case ALLOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a start position is required");
                        };
                        subscriptions().update(ALL, group, PersistentWire.settings(o.getSettings(), start));
                    });
                }
            }
            return UpdateResp.getDefaultInstance();
        });
    }

    @SuppressWarnings("deprecation")
    private static StreamIdentifier deprecatedStream(UpdateReq.Options o) {
        return o.getStreamIdentifier();
    }

    @SuppressWarnings("deprecation")
    private static long deprecatedRevision(UpdateReq.Settings s) {
        return s.getRevision();
    }

    @Override
    public void delete(DeleteReq request, StreamObserver<DeleteResp> responses) {
        GrpcErrors.answer(responses, () -> {
            DeleteReq.Options o = request.getOptions();
            StreamName source = switch (o.getStreamOptionCase()) {
                case STREAM_IDENTIFIER -> stream(o.getStreamIdentifier());
                case ALL -> ALL;
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a stream or $all is required");
            };
            subscriptions().delete(source, o.getGroupName());
            return DeleteResp.getDefaultInstance();
        });
    }

    /**
     * Read, as {@link #definition()} binds it: consumers' events go out encoded
     * ({@link ReadEventEncoder}). Armeria finds this class's annotations for it by the method's name.
     */
    public StreamObserver<ReadReq> read(ServerCallStreamObserver<Message> responses) {
        return new PersistentReadCall(store, responses, calls);
    }

    /**
     * The service as the node serves it: the generated binding, with Read's responses allowed to be
     * encoded ones ({@link EncodedReadResp#rebind}). Register it with Armeria's {@code
     * addService(this, PersistentSubscriptionsService::definition)}, so that this class's
     * {@code @Blocking} applies.
     */
    public ServerServiceDefinition definition() {
        return EncodedReadResp.rebind(PersistentSubscriptionsGrpc.bindService(this),
                PersistentSubscriptionsGrpc.getReadMethod(), ReadResp.getDefaultInstance(),
                ServerCalls.asyncBidiStreamingCall(responses -> read((ServerCallStreamObserver<Message>) responses)));
    }

    @Override
    public void getInfo(GetInfoReq request, StreamObserver<GetInfoResp> responses) {
        GrpcErrors.answer(responses, () -> {
            GetInfoReq.Options o = request.getOptions();
            StreamName source = switch (o.getStreamOptionCase()) {
                case STREAM_IDENTIFIER -> stream(o.getStreamIdentifier());
                case ALL -> ALL;
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a stream or $all is required");
            };
            return GetInfoResp.newBuilder()
                    .setSubscriptionInfo(PersistentWire.info(subscriptions().getInfo(source, o.getGroupName())
                            .orElseThrow(() -> PersistentSubscriptionException.notFound(source, o.getGroupName()))))
                    .build();
        });
    }

    @Override
    public void list(ListReq request, StreamObserver<ListResp> responses) {
        GrpcErrors.answer(responses, () -> {
            ListReq.Options o = request.getOptions();
            var infos = switch (o.getListOptionCase()) {
                case LIST_ALL_SUBSCRIPTIONS -> subscriptions().list();
                case LIST_FOR_STREAM -> subscriptions().list(switch (o.getListForStream().getStreamOptionCase()) {
                    case STREAM -> stream(o.getListForStream().getStream());
                    case ALL -> ALL;
                    case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a stream or $all is required");
                });
                case LISTOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("list all, or for a stream");
            };
            ListResp.Builder b = ListResp.newBuilder();
            infos.forEach(i -> b.addSubscriptions(PersistentWire.info(i)));
            return b.build();
        });
    }

    @Override
    public void replayParked(ReplayParkedReq request, StreamObserver<ReplayParkedResp> responses) {
        GrpcErrors.answer(responses, () -> {
            ReplayParkedReq.Options o = request.getOptions();
            StreamName source = switch (o.getStreamOptionCase()) {
                case STREAM_IDENTIFIER -> stream(o.getStreamIdentifier());
                case ALL -> ALL;
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a stream or $all is required");
            };
            Long stopAt = o.getStopAtOptionCase() == ReplayParkedReq.Options.StopAtOptionCase.STOP_AT ? o.getStopAt() : null;
            subscriptions().replayParked(source, o.getGroupName(), stopAt);
            return ReplayParkedResp.getDefaultInstance();
        });
    }

    @Override
    public void truncateParked(TruncateParkedReq request, StreamObserver<TruncateParkedResp> responses) {
        GrpcErrors.answer(responses, () -> {
            TruncateParkedReq.Options o = request.getOptions();
            StreamName source = switch (o.getStreamOptionCase()) {
                case STREAM_IDENTIFIER -> stream(o.getStreamIdentifier());
                case ALL -> ALL;
                case STREAMOPTION_NOT_SET -> throw GrpcErrors.invalidArgument("a stream or $all is required");
            };
            Long stopAt = o.getStopAtOptionCase() == TruncateParkedReq.Options.StopAtOptionCase.STOP_AT
                    ? o.getStopAt() : null;
            subscriptions().truncateParked(source, o.getGroupName(), stopAt);
            return TruncateParkedResp.getDefaultInstance();
        });
    }

    @Override
    public void restartSubsystem(Empty request, StreamObserver<Empty> responses) {
        GrpcErrors.answer(responses, () -> {
            subscriptions().restart();
            return Wire.EMPTY;
        });
    }
}
