package dev.cairn.engine.streams;

import dev.cairn.api.EventType;
import dev.cairn.api.StreamMetadata;
import dev.cairn.engine.index.IndexUpdate;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.LogWriter;
import dev.cairn.engine.log.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The group the writer is building: encodes records into the log buffer (each batch closed by a
 * commit record), feeds them to the group's {@link IndexUpdate}, and keeps the metadata written in
 * this group and in the group being synced visible ahead of the {@link StreamCatalog}.
 *
 * <p>Not thread-safe: the writer thread only.
 */
final class GroupEncoder {

    private final StreamCatalog catalog;
    private final LogWriter logWriter;
    private IndexUpdate update;
    /** Metadata written in the group being built, ahead of the catalog. */
    private Map<String, StreamCatalog.Metadata> pendingMetadata = new HashMap<>();
    /** Metadata written in the group being synced, until it is committed. */
    private Map<String, StreamCatalog.Metadata> syncingMetadata = Map.of();
    private long batchStart = -1;
    private int batchEvents;
    private int groupEvents;
    /**
     * The last stream name and event type encoded, and their UTF-8 bytes: an append's events share
     * its stream and mostly a type, and encoding them again per event was the writer's to do.
     */
    private String lastStream = "";
    private byte[] lastStreamBytes = new byte[0];
    private String lastType = "";
    private byte[] lastTypeBytes = new byte[0];

    GroupEncoder(StreamCatalog catalog, IndexUpdate update, LogWriter logWriter) {
        this.catalog = catalog;
        this.update = update;
        this.logWriter = logWriter;
    }

    /** The index as this group leaves it so far. */
    IndexUpdate update() {
        return update;
    }

    /**
     * Starts the next group: the one built so far goes to be synced (its metadata stays visible
     * until then) and the one before it is committed.
     *
     * @return events encoded in the group just finished
     */
    int nextGroup(IndexUpdate next) {
        int n = groupEvents;
        groupEvents = 0;
        syncingMetadata = pendingMetadata;
        pendingMetadata = new HashMap<>();
        update = next;
        return n;
    }

    /** Encodes a {@code $metadata} event to {@code $$stream} and records it as pending. */
    long writeMetadata(String stream, byte[] json, UUID id, long micros) throws IOException {
        String metastream = "$$" + stream;
        StreamInfo info = update.stream(metastream);
        long revision = info == null ? 0 : info.lastRevision() + 1;
        return event(metastream, revision, id, EventType.METADATA.value(), true, json, new byte[0],
                micros);
    }

    /** A stream's metadata including this group's and the syncing group's writes, or null. */
    StreamCatalog.Metadata metadata(String stream) {
        if (stream.startsWith("$$")) {
            return null;
        }
        StreamCatalog.Metadata pending = pendingMetadata.get(stream);
        if (pending == null) {
            pending = syncingMetadata.get(stream);
        }
        return pending != null ? pending : catalog.metadata(stream);
    }

    /** Encodes an event record into the current batch; returns its log position. */
    long event(String stream, long revision, UUID id, String type, boolean json, byte[] data, byte[] metadata,
            long micros) throws IOException {
        if (!stream.equals(lastStream)) {
            lastStreamBytes = stream.getBytes(StandardCharsets.UTF_8);
            lastStream = stream;
        }
        if (!type.equals(lastType)) {
            lastTypeBytes = type.getBytes(StandardCharsets.UTF_8);
            lastType = type;
        }
        byte[] s = lastStreamBytes;
        byte[] t = lastTypeBytes;
        if (s.length > RecordCodec.MAX_NAME_BYTES || t.length > RecordCodec.MAX_NAME_BYTES) {
            // validated before queueing; failing here, mid-batch, would leave a partial batch behind
            throw new IllegalStateException("stream name or event type longer than " + RecordCodec.MAX_NAME_BYTES
                    + " bytes reached the writer");
        }
        int size = RecordCodec.eventSize(s, t, data.length, metadata.length);
        ByteBuffer buffer = logWriter.reserve(size);
        long position = logWriter.lastReserved();
        if (batchStart < 0) {
            batchStart = position;
        }
        RecordCodec.writeEvent(buffer, s, revision, id, t, json, micros, data, metadata);
        update.event(stream, revision, position, id);
        if (stream.startsWith("$$")) {
            StreamMetadata value = json ? MetadataCodec.parse(data) : StreamMetadata.EMPTY;
            pendingMetadata.put(stream.substring(2), new StreamCatalog.Metadata(value, revision));
        }
        batchEvents++;
        groupEvents++;
        return position;
    }

    /** Closes the current batch with its commit record (nothing when it is empty). */
    void endBatch() throws IOException {
        if (batchEvents == 0) {
            return;
        }
        ByteBuffer buffer = logWriter.reserve(RecordCodec.COMMIT_SIZE);
        RecordCodec.writeCommit(buffer, batchStart, batchEvents);
        batchStart = -1;
        batchEvents = 0;
    }
}
