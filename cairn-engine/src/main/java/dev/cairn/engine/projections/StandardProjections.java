package dev.cairn.engine.projections;

import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.engine.streams.SystemAccess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standard projections of one store, each running on its own ({@link ProjectionRunner}).
 * Started by the store when {@code CairnOptions.standardProjections} is set, stopped before it
 * closes.
 */
public final class StandardProjections implements AutoCloseable {

    private final List<ProjectionRunner> runners = new ArrayList<>();

    private StandardProjections() {}

    /** Starts every standard projection; each resumes after its own checkpoint. */
    public static StandardProjections start(EventStore store, SystemAccess system) {
        StandardProjections projections = new StandardProjections();
        for (StandardProjection p : StandardProjection.values()) {
            ProjectionRunner runner = new ProjectionRunner(p, store, system);
            projections.runners.add(runner);
            runner.start();
        }
        return projections;
    }

    /** Each projection's name and the position of the last event it has handled (null before any). */
    public Map<String, Position> progress() {
        Map<String, Position> progress = new LinkedHashMap<>();
        for (int i = 0; i < runners.size(); i++) {
            progress.put(StandardProjection.values()[i].projectionName(), runners.get(i).processed());
        }
        return progress;
    }

    /** Each projection's figures, in KurrentDB's order of the standard projections. */
    public List<Statistics> statistics() {
        return runners.stream().map(ProjectionRunner::statistics).toList();
    }

    /**
     * One projection's figures, as {@code Projections.Statistics} reports them.
     *
     * @param name KurrentDB's name, such as {@code $by_category}
     * @param faultReason why it stopped, while it waits to start again; null while it runs
     * @param position the last event of {@code $all} it has handled; null before any
     * @param lastCheckpoint the position of its last stored checkpoint; null before any
     * @param eventsProcessed events of {@code $all} handled since the store opened
     * @param bufferedEvents events read ahead, waiting to be handled
     */
    public record Statistics(String name, String faultReason, Position position, Position lastCheckpoint,
            long eventsProcessed, int bufferedEvents) {
    }

    @Override
    public void close() {
        for (ProjectionRunner runner : runners) {
            runner.stop();
        }
    }
}
