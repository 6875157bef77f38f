package dev.cairn.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to append. The id makes retries idempotent: re-sending the same ids for the same
 * position does not write them twice.
 *
 * <p>The byte arrays are copied on construction; the accessors return the copies, which callers
 * must not modify.
 *
 * @param id unique id of the event
 * @param type the event type
 * @param contentType how {@code data} is encoded
 * @param data the payload, possibly empty
 * @param metadata user metadata, possibly empty
 */
public record EventData(UUID id, EventType type, ContentType contentType, byte[] data, byte[] metadata) {

    private static final byte[] EMPTY = new byte[0];

    public EventData {
        Objects.requireNonNull(id, "event id must not be null");
        Objects.requireNonNull(type, "event type must not be null");
        Objects.requireNonNull(contentType, "content type must not be null");
        data = data == null ? EMPTY : data.clone();
        metadata = metadata == null ? EMPTY : metadata.clone();
    }

    /** A JSON event with a random id and no metadata. */
    public static EventData json(String type, String json) {
        return new EventData(UUID.randomUUID(), EventType.of(type), ContentType.JSON,
                json.getBytes(StandardCharsets.UTF_8), EMPTY);
    }

    /** A JSON event with the given id and no metadata. */
    public static EventData json(UUID id, String type, String json) {
        return new EventData(id, EventType.of(type), ContentType.JSON,
                json.getBytes(StandardCharsets.UTF_8), EMPTY);
    }

    /** A binary event with a random id and no metadata. */
    public static EventData binary(String type, byte[] data) {
        return new EventData(UUID.randomUUID(), EventType.of(type), ContentType.BINARY, data, EMPTY);
    }

    /** A link to {@code revision} of {@code stream}. */
    public static EventData link(long revision, StreamName stream) {
        return new EventData(UUID.randomUUID(), EventType.LINK, ContentType.BINARY,
                (Long.toUnsignedString(revision) + "@" + stream.value()).getBytes(StandardCharsets.UTF_8), EMPTY);
    }

    /** This event with other metadata. */
    public EventData withMetadata(byte[] newMetadata) {
        return new EventData(id, type, contentType, data, newMetadata);
    }

    /** Bytes this event counts for against the append size limits: data plus metadata. */
    public long size() {
        return (long) data.length + metadata.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventData e && id.equals(e.id) && type.equals(e.type)
                && contentType == e.contentType && java.util.Arrays.equals(data, e.data)
                && java.util.Arrays.equals(metadata, e.metadata);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "EventData[" + id + " " + type + " " + data.length + "+" + metadata.length + " bytes]";
    }
}
