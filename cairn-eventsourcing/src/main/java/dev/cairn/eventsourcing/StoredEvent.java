package dev.cairn.eventsourcing;

import dev.cairn.api.Position;
import dev.cairn.api.StreamName;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A domain event as it came back from the store: the decoded event (upcast to its current shape)
 * with its metadata and where it is stored.
 *
 * @param event the event
 * @param metadata its metadata
 * @param id the event's id in the store
 * @param type its stored type name
 * @param stream the stream it is in
 * @param revision its revision in that stream
 * @param position its position in the global log
 * @param created when it was appended
 */
public record StoredEvent<E>(E event, EventMetadata metadata, UUID id, String type, StreamName stream, long revision,
        Position position, Instant created) {

    public StoredEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(position, "position");
    }
}
