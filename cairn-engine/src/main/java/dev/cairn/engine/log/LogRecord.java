package dev.cairn.engine.log;

import java.util.UUID;

/**
 * A record of the log, decoded. Two kinds exist: an event and the commit marker that ends every
 * batch. See {@link RecordCodec} for the bytes.
 */
public sealed interface LogRecord permits LogRecord.Event, LogRecord.Commit {

    /** The byte offset of this record in the global log. */
    long position();

    /** The record's size in bytes, header and trailer included. */
    int size();

    /**
     * An event record.
     *
     * @param position its place in the log (its prepare position)
     * @param size its encoded size
     * @param stream the stream name
     * @param revision its revision in the stream ({@code Long.MAX_VALUE} for a tombstone)
     * @param id the event id
     * @param type the event type
     * @param json whether the data is JSON
     * @param createdMicros when the append was accepted, microseconds since the epoch
     * @param data the payload
     * @param metadata user metadata
     */
    record Event(long position, int size, String stream, long revision, UUID id, String type, boolean json,
            long createdMicros, byte[] data, byte[] metadata) implements LogRecord {
    }

    /**
     * The end marker of a batch: every record from {@code batchStart} up to this one belongs to it.
     * A batch without its commit record was torn and is not part of the log.
     *
     * @param position its place in the log (the commit position of the batch's events)
     * @param size its encoded size
     * @param batchStart the position of the batch's first record
     * @param eventCount how many event records the batch holds
     */
    record Commit(long position, int size, long batchStart, int eventCount) implements LogRecord {
    }
}
