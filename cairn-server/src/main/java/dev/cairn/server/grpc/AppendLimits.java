package dev.cairn.server.grpc;

import dev.cairn.api.EventData;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.StreamName;

/**
 * The store's size limits, applied to an append while its events stream in, as KurrentDB applies
 * them: each event against the per-event limit first, then the running total against the append
 * limit. So a huge append is refused before it is buffered whole, and an event over both limits is
 * refused as too large an event, as the store itself refuses it. Immutable.
 *
 * @param maxAppendSize the store's limit on one append, in bytes
 * @param maxEventSize the store's limit on one event, in bytes
 */
record AppendLimits(long maxAppendSize, long maxEventSize) {

    /** KurrentDB's size of an event for the limits: data, metadata, 2 x type length. */
    static long sizeOf(EventData event) {
        return event.size() + 2L * event.type().value().length();
    }

    /**
     * The total after adding {@code event} to an append of {@code total} bytes so far.
     *
     * @throws MaximumAppendSizeExceededException when the event or the total is over its limit
     */
    long add(StreamName stream, EventData event, long total) {
        long size = sizeOf(event);
        if (size > maxEventSize) {
            throw new MaximumAppendEventSizeExceededException(stream, event.id(), size, maxEventSize);
        }
        long after = total + size;
        if (after > maxAppendSize) {
            throw new MaximumAppendSizeExceededException(maxAppendSize,
                    "Maximum Append Size of " + maxAppendSize + " Exceeded.");
        }
        return after;
    }
}
