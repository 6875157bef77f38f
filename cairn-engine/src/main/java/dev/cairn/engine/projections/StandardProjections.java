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

    @Override
    public void close() {
        for (ProjectionRunner runner : runners) {
            runner.stop();
        }
    }
}
