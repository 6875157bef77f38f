package dev.cairn.api;

import java.util.UUID;

/**
 * One event of an append was larger than the maximum event size (KurrentDB's "maximum append
 * event size"): data, metadata and twice the type's length. Nothing was written. A kind of
 * {@link MaximumAppendSizeExceededException} whose {@link #maxAppendSize()} is the per-event limit.
 */
public class MaximumAppendEventSizeExceededException extends MaximumAppendSizeExceededException {

    private static final long serialVersionUID = 1L;

    private final transient StreamName stream;
    private final UUID eventId;
    private final long size;

    public MaximumAppendEventSizeExceededException(StreamName stream, UUID eventId, long size, long maxEventSize) {
        super(maxEventSize, "Event with Id: " + eventId + ", Size: " + size
                + ", exceeds Maximum Append Event Size of " + maxEventSize + ".");
        this.stream = stream;
        this.eventId = eventId;
        this.size = size;
    }

    /** The stream the event was to be appended to. */
    public StreamName stream() {
        return stream;
    }

    public UUID eventId() {
        return eventId;
    }

    /** The event's size as the limit counts it, in bytes. */
    public long size() {
        return size;
    }

    /** The per-event limit that was exceeded, in bytes (the same as {@link #maxAppendSize()}). */
    public long maxEventSize() {
        return maxAppendSize();
    }
}
