package dev.cairn.engine.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.CairnException;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.streams.SystemAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The standard projections of one store, each running on its own ({@link ProjectionRunner}).
 * Started by the store when {@code CairnOptions.standardProjections} is set, stopped before it
 * closes.
 *
 * <p>Each can be disabled and enabled again, as in KurrentDB. The choice is stored as a
 * {@code $ProjectionUpdated} event in the projection's stream ({@code $projections-<name>}, where
 * KurrentDB keeps a projection's definition), so a disabled projection stays disabled across
 * restarts; one never disabled runs. Disabling stops it after its last atomic write, so enabling
 * it resumes from its checkpoint with nothing missed and nothing twice. Thread-safe.
 */
public final class StandardProjections implements AutoCloseable {

    static final EventType UPDATED = EventType.of("$ProjectionUpdated");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventStore store;
    private final SystemAccess system;
    private final ProjectionRunner[] runners = new ProjectionRunner[StandardProjection.values().length];
    private boolean closed;

    private StandardProjections(EventStore store, SystemAccess system) {
        this.store = store;
        this.system = system;
    }

    /** Starts every standard projection not stored as disabled; each resumes after its own checkpoint. */
    public static StandardProjections start(EventStore store, SystemAccess system) {
        StandardProjections projections = new StandardProjections(store, system);
        for (StandardProjection p : StandardProjection.values()) {
            ProjectionRunner runner = new ProjectionRunner(p, store, system);
            projections.runners[p.ordinal()] = runner;
            if (projections.storedEnabled(p)) {
                runner.start();
            }
        }
        return projections;
    }

    /** Each projection's figures, in KurrentDB's order of the standard projections. */
    public synchronized List<Statistics> statistics() {
        return java.util.Arrays.stream(runners).map(ProjectionRunner::statistics).toList();
    }

    /**
     * Enables or disables the projection named {@code name}, stores the choice and starts or stops
     * it. Waits for a running projection to stop.
     *
     * @return false when no standard projection has that name
     * @throws CairnException when the choice could not be stored (nothing changed then)
     */
    public synchronized boolean setEnabled(String name, boolean enabled) {
        StandardProjection projection = null;
        for (StandardProjection p : StandardProjection.values()) {
            if (p.projectionName().equals(name)) {
                projection = p;
            }
        }
        if (projection == null) {
            return false;
        }
        if (closed) {
            throw new dev.cairn.api.StoreUnavailableException("the store is closed");
        }
        store(projection, enabled);
        ProjectionRunner runner = runners[projection.ordinal()];
        if (!enabled) {
            runner.stop();
        } else if (!runner.isRunning()) {
            ProjectionRunner fresh = new ProjectionRunner(projection, store, system);
            runners[projection.ordinal()] = fresh;
            fresh.start();
        }
        return true;
    }

    private void store(StandardProjection projection, boolean enabled) {
        byte[] data = ("{\"handlerType\":\"native\",\"mode\":\"Continuous\",\"enabled\":" + enabled
                + ",\"emitEnabled\":true}").getBytes(StandardCharsets.UTF_8);
        EventData event = new EventData(UUID.randomUUID(), UPDATED, ContentType.JSON, data, new byte[0]);
        try {
            system.appendAsync(List.of(new AppendRequest(definitionStream(projection), StreamState.any(),
                    List.of(event)))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.cairn.api.StoreUnavailableException("interrupted while storing a projection's state", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof CairnException ce) {
                throw ce;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether the last stored choice enables it; true when none was stored or it is unreadable. */
    private boolean storedEnabled(StandardProjection projection) {
        try {
            List<ResolvedEvent> last = store.readStreamToList(definitionStream(projection),
                    ReadStreamOptions.backwards().maxCount(1));
            if (last.isEmpty()) {
                return true;
            }
            JsonNode enabled = JSON.readTree(last.get(0).originalEvent().data()).get("enabled");
            return enabled == null || !enabled.isBoolean() || enabled.booleanValue();
        } catch (StreamNotFoundException | IOException never) {
            return true;
        }
    }

    /** KurrentDB's stream of a projection's definition, {@code $projections-<name>}. */
    static StreamName definitionStream(StandardProjection projection) {
        return StreamName.of("$projections-" + projection.projectionName());
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ProjectionRunner runner : runners) {
            runner.stop();
        }
    }

    /**
     * One projection's figures, as {@code Projections.Statistics} reports them.
     *
     * @param name KurrentDB's name, such as {@code $by_category}
     * @param status {@code Running}, {@code Stopped} (disabled) or {@code Faulted} (waiting to start
     *     again from its checkpoint after {@code faultReason})
     * @param faultReason why it stopped, while faulted; null otherwise
     * @param position the last event of {@code $all} it has handled since the store opened; null
     *     before any
     * @param lastCheckpoint the position of its last stored checkpoint; null before any
     * @param eventsProcessed events of {@code $all} handled since it started
     * @param bufferedEvents events read ahead, waiting to be handled
     */
    public record Statistics(String name, String status, String faultReason, Position position,
            Position lastCheckpoint, long eventsProcessed, int bufferedEvents) {
    }
}
