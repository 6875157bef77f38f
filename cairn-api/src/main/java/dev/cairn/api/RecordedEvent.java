package dev.cairn.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as stored: what was appended plus where and when. Callers must not modify the arrays.
 *
 * @param stream the stream it was appended to
 * @param revision its revision in that stream (unsigned)
 * @param id the event id given on append
 * @param type the event type
 * @param contentType how {@code data} is encoded
 * @param data the payload
 * @param metadata user metadata
 * @param created when the append was accepted
 * @param position its place in the global log
 */
public record RecordedEvent(StreamName stream, long revision, UUID id, EventType type,
        ContentType contentType, byte[] data, byte[] metadata, Instant created, Position position) {

    public RecordedEvent {
        Objects.requireNonNull(stream);
        Objects.requireNonNull(id);
        Objects.requireNonNull(type);
        Objects.requireNonNull(contentType);
        Objects.requireNonNull(data);
        Objects.requireNonNull(metadata);
        Objects.requireNonNull(created);
        Objects.requireNonNull(position);
    }

    /** The data as UTF-8 text. */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedEvent e && stream.equals(e.stream) && revision == e.revision
                && id.equals(e.id) && type.equals(e.type) && contentType == e.contentType
                && Arrays.equals(data, e.data) && Arrays.equals(metadata, e.metadata)
                && created.equals(e.created) && position.equals(e.position);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, revision, id);
    }

    @Override
    public String toString() {
        return "RecordedEvent[" + revision + "@" + stream + " " + type + " " + id + " " + position + "]";
    }
}
