package dev.cairn.server.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.linecorp.armeria.server.annotation.Blocking;
import dev.cairn.api.Position;
import dev.cairn.engine.projections.Projections;
import dev.cairn.engine.security.Authorizer;
import dev.cairn.engine.security.Security;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.projections.CreateReq;
import dev.cairn.protocol.projections.CreateResp;
import dev.cairn.protocol.projections.DeleteReq;
import dev.cairn.protocol.projections.DeleteResp;
import dev.cairn.protocol.projections.DisableReq;
import dev.cairn.protocol.projections.DisableResp;
import dev.cairn.protocol.projections.EnableReq;
import dev.cairn.protocol.projections.EnableResp;
import dev.cairn.protocol.projections.ProjectionsGrpc;
import dev.cairn.protocol.projections.ResetReq;
import dev.cairn.protocol.projections.ResetResp;
import dev.cairn.protocol.projections.ResultReq;
import dev.cairn.protocol.projections.ResultResp;
import dev.cairn.protocol.projections.StateReq;
import dev.cairn.protocol.projections.StateResp;
import dev.cairn.protocol.projections.StatisticsReq;
import dev.cairn.protocol.projections.StatisticsResp;
import dev.cairn.protocol.projections.UpdateReq;
import dev.cairn.protocol.projections.UpdateResp;
import dev.cairn.server.security.CallPrincipal;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code event_store.client.projections.Projections}: served on a node that runs projections
 * ({@code --run-projections system|all}).
 * <ul>
 *   <li>{@code Statistics} reports the standard projections and the user projections, all
 *       continuous: running, stopped (disabled) or faulted (with the reason). By name it answers
 *       {@code NOT_FOUND} for an unknown name; the transient and one-time lists are empty. Any
 *       authenticated user may ask (KurrentDB's rule).
 *   <li>{@code Create} makes a continuous user projection ({@code ALREADY_EXISTS} for a name
 *       taken), which runs on a node with {@code --run-projections=all} (with {@code system} it is
 *       stored and listed, stopped, as KurrentDB keeps it); one-time and transient
 *       projections answer {@code UNIMPLEMENTED}. {@code Update} replaces a query, {@code Delete}
 *       removes a stopped one (and, as asked, its streams), {@code Reset} starts one over in a new
 *       epoch, {@code Enable} and {@code Disable} (which the clients' abort calls too) start and
 *       stop one, {@code RestartSubsystem} restarts them all. KurrentDB lets only {@code $admins}
 *       and {@code $ops} change continuous projections; Cairn lets {@code $admins}.
 *   <li>{@code State} and {@code Result} answer a partition's state, and its result after {@code
 *       transformBy}/{@code filterBy}, as of the projection's last checkpoint; an empty object when
 *       it has none. Any authenticated user may ask.
 * </ul>
 * Runs on the blocking executor: disabling waits for a projection to stop.
 */
@Blocking
public final class ProjectionsService extends ProjectionsGrpc.ProjectionsImplBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Projections projections;
    private final Supplier<Position> head;
    private final Security security;

    /**
     * @param projections the store's projections
     * @param head the end of the log, for each projection's progress
     * @param security users and access control, or null on an insecure node
     */
    public ProjectionsService(Projections projections, Supplier<Position> head, Security security) {
        this.projections = projections;
        this.head = head;
        this.security = security;
    }

    @Override
    public void statistics(StatisticsReq request, StreamObserver<StatisticsResp> responses) {
        List<StatisticsResp> answers;
        try {
            check(Authorizer.Operation.PROJECTIONS_STATISTICS);
            StatisticsReq.Options options = request.getOptions();
            List<Projections.Statistics> all = projections.statistics();
            answers = switch (options.getModeCase()) {
                case NAME -> {
                    List<Projections.Statistics> named = all.stream()
                            .filter(s -> s.name().equals(options.getName())).toList();
                    if (named.isEmpty()) {
                        throw notFound(options.getName());
                    }
                    yield details(named);
                }
                case TRANSIENT, ONE_TIME -> List.of();
                // all, continuous, and no mode given
                default -> details(all);
            };
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        answers.forEach(responses::onNext);
        responses.onCompleted();
    }

    @Override
    public void create(CreateReq request, StreamObserver<CreateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_MANAGE);
            CreateReq.Options options = request.getOptions();
            if (options.getModeCase() == CreateReq.Options.ModeCase.MODE_NOT_SET) {
                throw Status.INVALID_ARGUMENT.withDescription("a projection needs a mode").asRuntimeException();
            }
            if (options.getModeCase() != CreateReq.Options.ModeCase.CONTINUOUS) {
                throw Status.UNIMPLEMENTED.withDescription("Cairn runs continuous projections only; "
                        + "one-time and transient projections are not supported").asRuntimeException();
            }
            CreateReq.Options.Continuous continuous = options.getContinuous();
            // field 2 is emit enabled to KurrentDB's server, field 3 tracking (see projections.proto)
            projections.create(continuous.getName(), options.getQuery(), continuous.getTrackEmittedStreams(),
                    continuous.getEmittedStreamsTracked());
            return CreateResp.getDefaultInstance();
        });
    }

    @Override
    public void update(UpdateReq request, StreamObserver<UpdateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_MANAGE);
            UpdateReq.Options options = request.getOptions();
            Boolean emit = options.getEmitOptionCase() == UpdateReq.Options.EmitOptionCase.EMIT_ENABLED
                    ? options.getEmitEnabled() : null;
            projections.update(options.getName(), options.getQuery(), emit);
            return UpdateResp.getDefaultInstance();
        });
    }

    @Override
    public void delete(DeleteReq request, StreamObserver<DeleteResp> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_MANAGE);
            DeleteReq.Options options = request.getOptions();
            projections.delete(options.getName(), options.getDeleteCheckpointStream(), options.getDeleteStateStream(),
                    options.getDeleteEmittedStreams());
            return DeleteResp.getDefaultInstance();
        });
    }

    @Override
    public void reset(ResetReq request, StreamObserver<ResetResp> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_MANAGE);
            projections.reset(request.getOptions().getName());
            return ResetResp.getDefaultInstance();
        });
    }

    @Override
    public void enable(EnableReq request, StreamObserver<EnableResp> responses) {
        GrpcErrors.answer(responses, () -> {
            setEnabled(request.getOptions().getName(), true);
            return EnableResp.getDefaultInstance();
        });
    }

    /** Disables; with or without {@code write_checkpoint} (the clients' abort), since every write is one. */
    @Override
    public void disable(DisableReq request, StreamObserver<DisableResp> responses) {
        GrpcErrors.answer(responses, () -> {
            setEnabled(request.getOptions().getName(), false);
            return DisableResp.getDefaultInstance();
        });
    }

    @Override
    public void restartSubsystem(Empty request, StreamObserver<Empty> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_MANAGE);
            projections.restart();
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void state(StateReq request, StreamObserver<StateResp> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_READ);
            StateReq.Options options = request.getOptions();
            String json = projections.state(options.getName(), options.getPartition());
            return StateResp.newBuilder().setState(value(json)).build();
        });
    }

    @Override
    public void result(ResultReq request, StreamObserver<ResultResp> responses) {
        GrpcErrors.answer(responses, () -> {
            check(Authorizer.Operation.PROJECTIONS_READ);
            ResultReq.Options options = request.getOptions();
            String json = projections.result(options.getName(), options.getPartition());
            return ResultResp.newBuilder().setResult(value(json)).build();
        });
    }

    private void setEnabled(String name, boolean enabled) {
        check(Authorizer.Operation.PROJECTIONS_MANAGE);
        if (!projections.setEnabled(name, enabled)) {
            throw notFound(name);
        }
    }

    private void check(Authorizer.Operation operation) {
        if (security != null) {
            security.authorizer().check(CallPrincipal.current(), operation);
        }
    }

    private static RuntimeException notFound(String name) {
        return Status.NOT_FOUND.withDescription("Projection '" + name + "' not found.").asRuntimeException();
    }

    /** A stored state or result as a protobuf value; an empty object when there is none, as KurrentDB answers. */
    static Value value(String json) {
        if (json == null || json.isEmpty()) {
            return Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();
        }
        try {
            return value(JSON.readTree(json));
        } catch (IOException e) {
            return Value.newBuilder().setStringValue(json).build();
        }
    }

    private static Value value(JsonNode node) {
        Value.Builder v = Value.newBuilder();
        if (node.isObject()) {
            Struct.Builder struct = Struct.newBuilder();
            node.properties().forEach(field -> struct.putFields(field.getKey(), value(field.getValue())));
            v.setStructValue(struct);
        } else if (node.isArray()) {
            ListValue.Builder list = ListValue.newBuilder();
            node.forEach(item -> list.addValues(value(item)));
            v.setListValue(list);
        } else if (node.isNumber()) {
            v.setNumberValue(node.asDouble());
        } else if (node.isBoolean()) {
            v.setBoolValue(node.booleanValue());
        } else if (node.isTextual()) {
            v.setStringValue(node.textValue());
        } else {
            v.setNullValue(NullValue.NULL_VALUE);
        }
        return v.build();
    }

    private List<StatisticsResp> details(List<Projections.Statistics> statistics) {
        Position end = head.get();
        return statistics.stream().map(s -> StatisticsResp.newBuilder().setDetails(details(s, end)).build()).toList();
    }

    /** KurrentDB's figures for a projection, where Cairn has them. */
    private static StatisticsResp.Details details(Projections.Statistics s, Position end) {
        return StatisticsResp.Details.newBuilder()
                .setName(s.name())
                .setEffectiveName(s.name())
                .setMode(s.mode())
                .setStatus(s.status())
                .setStateReason(s.faultReason() == null ? "" : s.faultReason())
                .setVersion(s.version())
                .setEpoch(s.epoch() == 0 ? -1 : s.epoch())
                .setPosition(s.position() == null ? "" : s.position().toString())
                .setLastCheckpoint(s.lastCheckpoint() == null ? "" : s.lastCheckpoint().toString())
                .setProgress(s.progress(end))
                .setEventsProcessedAfterRestart(s.eventsProcessed())
                .setBufferedEvents(s.bufferedEvents())
                .build();
    }
}
