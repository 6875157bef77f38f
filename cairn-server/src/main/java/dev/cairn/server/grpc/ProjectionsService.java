package dev.cairn.server.grpc;

import com.linecorp.armeria.server.annotation.Blocking;
import dev.cairn.api.Position;
import dev.cairn.engine.projections.Projections;
import dev.cairn.engine.security.Authorizer;
import dev.cairn.engine.security.Security;
import dev.cairn.protocol.projections.DisableReq;
import dev.cairn.protocol.projections.DisableResp;
import dev.cairn.protocol.projections.EnableReq;
import dev.cairn.protocol.projections.EnableResp;
import dev.cairn.protocol.projections.ProjectionsGrpc;
import dev.cairn.protocol.projections.StatisticsReq;
import dev.cairn.protocol.projections.StatisticsResp;
import dev.cairn.server.security.CallPrincipal;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code event_store.client.projections.Projections}, as far as Cairn has projections: served only
 * on a node that runs the standard projections ({@code --run-projections} and {@code
 * --start-standard-projections}).
 * <ul>
 *   <li>{@code Statistics} reports the five, all continuous, each running, stopped (disabled) or
 *       faulted (with the reason, while it waits to start again from its checkpoint). By name it
 *       answers {@code NOT_FOUND} for any other name; the transient and one-time lists are empty.
 *       On a secure node any authenticated user may ask (KurrentDB's rule).
 *   <li>{@code Enable} and {@code Disable} (which the clients' abort calls too) start and stop one,
 *       and the choice outlives a restart; {@code $admins} only on a secure node, since the
 *       standard projections run as the system.
 * </ul>
 * The other methods (creating, updating, deleting and resetting projections, their state and
 * result, restarting the subsystem) answer {@code UNIMPLEMENTED}, the generated default: Cairn has
 * no user projections yet. Runs on the blocking executor: disabling waits for a projection to stop.
 */
@Blocking
public final class ProjectionsService extends ProjectionsGrpc.ProjectionsImplBase {

    private final Projections projections;
    private final Supplier<Position> head;
    private final Security security;

    /**
     * @param projections the store's standard projections
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
            if (security != null) {
                security.authorizer().check(CallPrincipal.current(), Authorizer.Operation.PROJECTIONS_STATISTICS);
            }
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

    private void setEnabled(String name, boolean enabled) {
        if (security != null) {
            security.authorizer().check(CallPrincipal.current(), Authorizer.Operation.PROJECTIONS_MANAGE);
        }
        if (!projections.setEnabled(name, enabled)) {
            throw notFound(name);
        }
    }

    private static RuntimeException notFound(String name) {
        return Status.NOT_FOUND.withDescription("Projection '" + name + "' not found.").asRuntimeException();
    }

    private List<StatisticsResp> details(List<Projections.Statistics> statistics) {
        long end = head.get().commit();
        return statistics.stream().map(s -> StatisticsResp.newBuilder().setDetails(details(s, end)).build()).toList();
    }

    /** KurrentDB's figures for a standard projection, where Cairn has them. */
    private static StatisticsResp.Details details(Projections.Statistics s, long end) {
        long at = s.position() == null ? 0 : s.position().commit();
        float progress = end <= 0 ? 100f : Math.min(100f, 100f * at / end);
        return StatisticsResp.Details.newBuilder()
                .setName(s.name())
                .setEffectiveName(s.name())
                .setMode("Continuous")
                .setStatus(s.status())
                .setStateReason(s.faultReason() == null ? "" : s.faultReason())
                .setVersion(1)
                .setEpoch(-1)
                .setPosition(s.position() == null ? "" : s.position().toString())
                .setLastCheckpoint(s.lastCheckpoint() == null ? "" : s.lastCheckpoint().toString())
                .setProgress(progress)
                .setEventsProcessedAfterRestart(s.eventsProcessed())
                .setBufferedEvents(s.bufferedEvents())
                .build();
    }
}
