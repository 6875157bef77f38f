package dev.cairn.engine.projections;

import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.engine.projections.StandardProjection.Emitted;
import java.util.List;

/**
 * What a {@link ProjectionRunner} runs: a standard projection ({@link StandardWork}) or a user's
 * ({@link JsProjectionWork}). Called on the runner's thread only, except the accessors.
 */
interface ProjectionWork {

    /** Its name, such as {@code $by_category}. */
    String name();

    /** KurrentDB's mode: {@code Continuous}. */
    default String mode() {
        return "Continuous";
    }

    /** KurrentDB's projection id, the first member of the {@code $v} tag its output carries. */
    long projectionId();

    /** Raised by each change of its definition. */
    long version();

    /** Raised by each reset; 0 when never reset. Output and checkpoints of earlier epochs are stale. */
    long epoch();

    /** Where its checkpoints go: {@code $projections-<name>-checkpoint}. */
    default StreamName checkpointStream() {
        return StreamName.of("$projections-" + name() + "-checkpoint");
    }

    /** Restores the state {@code checkpoint} holds, or the initial state when it is null. */
    void restore(RecordedEvent checkpoint);

    /**
     * Handles one event of {@code $all}, adding what it writes to {@code out}.
     *
     * @return whether the projection's state or output changed, so that a checkpoint must follow
     * @throws ProjectionFaultedException when the projection cannot go on (a user's handler threw)
     */
    boolean handle(RecordedEvent event, List<Emitted> out);

    /**
     * The data of the checkpoint after {@code position} (the state, or nothing), adding to {@code
     * out} what must be written with it (partition states, results).
     */
    byte[] checkpoint(Position position, List<Emitted> out);

    /** KurrentDB's checkpoint tag for {@code position}, still open for more members. */
    default StringBuilder openTag(Position position) {
        return ProjectionTag.open(projectionId(), epoch(), version(), position);
    }

    /** Releases what it holds; it is not used again. */
    default void close() {
    }
}
