package dev.cairn.server.grpc;

import dev.cairn.api.Position;
import dev.cairn.engine.projections.StandardProjections;
import dev.cairn.engine.security.Authorizer;
import dev.cairn.engine.security.Security;
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
 * --start-standard-projections}), where {@code Statistics} reports the five of them, all
 * continuous, each running (or faulted, with the reason, while it waits to start again from its
 * checkpoint). By name it answers {@code NOT_FOUND} for any other name; the transient and one-time
 * lists are empty. On a secure node any authenticated user may ask (KurrentDB's rule).
 *
 * <p>The other methods (creating, updating, deleting, enabling, disabling and resetting
 * projections, their state and result, restarting the subsystem) answer {@code UNIMPLEMENTED},
 * the generated default: Cairn has no user projections yet, and the standard ones run for as long
 * as the node is started with them. Thread-safe (stateless).
 */
public final class ProjectionsService extends ProjectionsGrpc.ProjectionsImplBase {

    private final StandardProjections projections;
    private final Supplier<Position> head;
    private final Security security;

    /**
     * @param projections the store's standard projections
     * @param head the end of the log, for each projection's progress
     * @param security users and access control, or null on an insecure node
     */
    public ProjectionsService(StandardProjections projections, Supplier<Position> head, Security security) {
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
            List<StandardProjections.Statistics> all = projections.statistics();
            answers = switch (options.getModeCase()) {
                case NAME -> {
                    List<StandardProjections.Statistics> named = all.stream()
                            .filter(s -> s.name().equals(options.getName())).toList();
                    if (named.isEmpty()) {
                        throw Status.NOT_FOUND.withDescription("Projection '" + options.getName() + "' not found.")
                                .asRuntimeException();
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

    private List<StatisticsResp> details(List<StandardProjections.Statistics> statistics) {
        long end = head.get().commit();
        return statistics.stream().map(s -> StatisticsResp.newBuilder().setDetails(details(s, end)).build()).toList();
    }

    /** KurrentDB's figures for a standard projection, where Cairn has them. */
    private static StatisticsResp.Details details(StandardProjections.Statistics s, long end) {
        long at = s.position() == null ? 0 : s.position().commit();
        float progress = end <= 0 ? 100f : Math.min(100f, 100f * at / end);
        return StatisticsResp.Details.newBuilder()
                .setName(s.name())
                .setEffectiveName(s.name())
                .setMode("Continuous")
                .setStatus(s.faultReason() == null ? "Running" : "Faulted")
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
