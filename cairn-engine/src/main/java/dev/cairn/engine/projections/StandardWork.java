package dev.cairn.engine.projections;

import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.engine.projections.StandardProjection.Emitted;
import dev.cairn.engine.projections.StandardProjection.Source;
import java.util.List;

/** A standard projection as a runner runs it: links out, no state. */
final class StandardWork implements ProjectionWork {

    private static final byte[] NO_STATE = new byte[0];

    private final StandardProjection projection;
    private final long epoch;
    private final StandardConfig config;
    /** The correlation id property's name as it appears in JSON metadata. */
    private final byte[] correlationNeedle;

    StandardWork(StandardProjection projection, long epoch, StandardConfig config) {
        this.projection = projection;
        this.epoch = epoch;
        this.config = config;
        this.correlationNeedle = StandardProjection.quote(config.correlationIdProperty())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    StandardConfig config() {
        return config;
    }

    @Override
    public String name() {
        return projection.projectionName();
    }

    @Override
    public long projectionId() {
        return projection.ordinal() + 1;
    }

    @Override
    public long version() {
        return 1;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public void restore(RecordedEvent checkpoint) {
        // nothing to restore: the position is all a standard projection keeps
    }

    @Override
    public boolean handle(RecordedEvent event, List<Emitted> out) {
        int before = out.size();
        projection.process(Source.of(event, projection, config.correlationIdProperty(), correlationNeedle), this,
                out);
        return out.size() > before;
    }

    @Override
    public byte[] checkpoint(Position position, List<Emitted> out) {
        return NO_STATE;
    }
}
