package dev.cairn.server.conformance;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.EventData;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One face of Cairn as the conformance scenarios drive it: the embedded store, or the official
 * KurrentDB client against a node. Requests are given in Cairn's API values; answers come back in
 * the neutral records below, and every failure a scenario may expect as a {@link FaceFailure}
 * carrying a {@link Failure}, so that a scenario asserts the same thing of both faces. A failure
 * the face cannot map (an invalid argument, an unexpected status) propagates as it is and fails the
 * scenario. Not thread-safe; one scenario at a time.
 */
interface Face extends AutoCloseable {

    /** Appends to one stream. */
    Written append(String stream, StreamState expected, List<EventData> events);

    /** Appends to several streams, all or nothing (KurrentDB 25.1 multi-stream append). */
    MultiWritten appendMulti(List<AppendRequest> requests);

    /** Reads a stream; the whole result, in the order read. */
    List<Read> readStream(String stream, ReadStreamOptions options);

    /** Reads {@code $all}, with the options' filter if it has one. */
    List<Read> readAll(ReadAllOptions options);

    /** Soft-deletes a stream; the position of the record that marks the deletion. */
    Position delete(String stream, StreamState expected);

    /** Tombstones a stream; the position of the tombstone. */
    Position tombstone(String stream, StreamState expected);

    /** A stream's metadata; {@link StreamMetadata#EMPTY} when none was set. */
    StreamMetadata getMetadata(String stream);

    /** Sets a stream's metadata if its metadata stream is in the expected state. */
    Written setMetadata(String stream, StreamState expectedMetastream, StreamMetadata metadata);

    @Override
    void close();

    /**
     * A successful append.
     *
     * @param revision the stream's last revision after the append, -1 when it has no events
     * @param position the position of the last event written, or null when nothing was written
     */
    record Written(long revision, Position position) {
    }

    /**
     * A successful multi-stream append.
     *
     * @param revisions "stream@last revision", one per stream in request order
     * @param commit the commit position of the last event written
     */
    record MultiWritten(List<String> revisions, long commit) {
    }

    /**
     * An event as read.
     *
     * @param contentType the MIME type
     * @param data the data as UTF-8 text
     * @param metadata the user metadata as UTF-8 text
     */
    record Event(String stream, long revision, UUID id, String type, String contentType, String data,
            String metadata, Instant created, Position position) {

        /** "revision@stream", as a link's data names its target. */
        String ref() {
            return Long.toUnsignedString(revision) + "@" + stream;
        }
    }

    /**
     * One result of a read.
     *
     * @param event the event, or the link's target when links are resolved; null for a link whose
     *     target is gone
     * @param link the link record when links are resolved and this was a link, else null
     * @param position the position of the record read (the link's when there is one)
     */
    record Read(Event event, Event link, Position position) {

        /** The record that was read: the link when there is one, else the event. */
        Event original() {
            return link != null ? link : event;
        }
    }
}
