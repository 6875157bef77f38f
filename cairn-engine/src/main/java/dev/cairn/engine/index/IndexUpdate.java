package dev.cairn.engine.index;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The index changes of one group of batches, with a view of the index as those changes leave it.
 * The writer and recovery both feed it every event record they write or replay, in log order, so
 * the index is a deterministic function of the log (stream ids included).
 *
 * <p>Not thread-safe: the writer thread (or recovery) only.
 */
public final class IndexUpdate {

    private final StreamIndex index;
    private final Function<String, StreamInfo> committed;
    private final Map<String, StreamInfo> streams = new LinkedHashMap<>();
    private final Map<UUID, EventRef> ids = new HashMap<>();
    private final Map<EventRef, IndexEntry> entries = new HashMap<>();
    private StreamIndex.Batch batch;
    private long nextStreamId;

    /**
     * @param committed looks up a stream's committed state (a cache in front of the index)
     */
    public IndexUpdate(StreamIndex index, Function<String, StreamInfo> committed, long nextStreamId) {
        this.index = index;
        this.committed = committed;
        this.nextStreamId = nextStreamId;
        this.batch = index.batch();
    }

    /** The stream's state including this group's changes, or null when it has never been written. */
    public StreamInfo stream(String name) {
        StreamInfo info = streams.get(name);
        return info != null ? info : committed.apply(name);
    }

    /** The entry at a revision, including this group's changes, or null. */
    public IndexEntry entry(long streamId, long revision) {
        IndexEntry e = entries.get(new EventRef(streamId, revision));
        return e != null ? e : index.entry(streamId, revision);
    }

    /** Where an event id was first written, including this group's changes, or null. */
    public EventRef eventRef(UUID id) {
        EventRef ref = ids.get(id);
        return ref != null ? ref : index.eventRef(id);
    }

    /**
     * Records an event written at {@code position}. A revision of {@code Long.MAX_VALUE} is a
     * tombstone.
     */
    public void event(String stream, long revision, long position, UUID id) {
        StreamInfo info = stream(stream);
        if (info == null) {
            info = new StreamInfo(nextStreamId++, -1, false);
        }
        info = revision == Long.MAX_VALUE ? info.tombstone() : info.withLastRevision(revision);
        streams.put(stream, info);
        EventRef ref = new EventRef(info.id(), revision);
        // The first write of an id is the one idempotency refers to, as in KurrentDB's committed-events cache.
        boolean firstUse = eventRef(id) == null;
        if (firstUse) {
            ids.put(id, ref);
        }
        entries.put(ref, new IndexEntry(revision, position, id));
        batch.putEvent(info.id(), revision, position, id, firstUse);
    }

    /** Streams changed by this group, with their new state. */
    public Map<String, StreamInfo> changedStreams() {
        return streams;
    }

    public boolean isEmpty() {
        return streams.isEmpty();
    }

    public long nextStreamId() {
        return nextStreamId;
    }

    /** Writes the changes with the log position they cover, and starts afresh. */
    public void commit(long checkpoint) {
        for (Map.Entry<String, StreamInfo> e : streams.entrySet()) {
            batch.putStream(e.getKey(), e.getValue());
        }
        batch.checkpoint(checkpoint, nextStreamId);
        index.apply(batch);
        batch = index.batch();
        streams.clear();
        ids.clear();
        entries.clear();
    }

    /** Drops the changes not yet committed. */
    public void discard() {
        batch = index.batch();
        streams.clear();
        ids.clear();
        entries.clear();
    }
}
