package dev.cairn.engine.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * The index changes of one group of batches, with a view of the index as those changes leave it.
 * The writer and recovery both feed it every event record they write or replay, in log order, so
 * what the index answers is a deterministic function of the log (stream ids included); only where
 * its runs start and end depends on how the events were grouped.
 *
 * <p>The writer builds the next group while the previous one is being synced and indexed: a group's
 * update made by {@link #next()} sees its predecessor's changes until they are committed, after
 * which the writer {@linkplain #detachParent() detaches} it and lookups fall through to the index.
 *
 * <p>Not thread-safe: built by one thread (the writer or recovery); {@link #commitGroup} may run on
 * another thread once the update is handed over and no longer changes.
 */
public final class IndexUpdate {

    private final StreamIndex index;
    private final Function<String, StreamInfo> committed;
    private final RecentIds recentIds;
    private final Map<String, StreamInfo> streams = new LinkedHashMap<>();
    /** The group's runs still growing: the last run of each stream the group wrote to, by stream id. */
    private final Map<Long, Run> openRuns = new HashMap<>();
    /** The group's runs that can grow no more, in the order they ended. */
    private final List<Run> closedRuns = new ArrayList<>();
    private final LongFunction<UUID> idAt;
    private IndexUpdate parent;
    private long nextStreamId;
    /**
     * The stream of the last event recorded and its {@link RecentIds#streamHash}, and the run that
     * event went to (the open run of its stream): an append's events come one after the other to
     * the same stream, so most events need neither the hash nor the map of open runs.
     */
    private String lastStream;
    private long lastStreamHash;
    private Run lastRun;

    /**
     * @param committed looks up a stream's committed state (a cache in front of the index)
     * @param recentIds the window of recent event ids, told of every event as it is recorded here
     * @param idAt the id of the event record at a log position (the index keeps positions only)
     */
    public IndexUpdate(StreamIndex index, Function<String, StreamInfo> committed, long nextStreamId,
            RecentIds recentIds, LongFunction<UUID> idAt) {
        this.index = index;
        this.committed = committed;
        this.nextStreamId = nextStreamId;
        this.recentIds = recentIds;
        this.idAt = idAt;
    }

    /** The update of the next group, which sees this group's changes until they are committed. */
    public IndexUpdate next() {
        IndexUpdate next = new IndexUpdate(index, committed, nextStreamId, recentIds, idAt);
        next.parent = this;
        return next;
    }

    /** Stops looking at the previous group: its changes are now in the index (and the cache). */
    public void detachParent() {
        parent = null;
    }

    /** The stream's state including pending changes, or null when it has never been written. */
    public StreamInfo stream(String name) {
        StreamInfo info = streams.get(name);
        if (info != null) {
            return info;
        }
        info = parent == null ? null : parent.streams.get(name);
        return info != null ? info : committed.apply(name);
    }

    /** The entry at a revision, with its event id, including pending changes, or null. */
    public IndexEntry entry(long streamId, long revision) {
        IndexEntry e = pending(streamId, revision);
        if (e == null && parent != null) {
            e = parent.pending(streamId, revision);
        }
        if (e == null) {
            e = index.entry(streamId, revision);
            if (e != null && e.id() == null) {
                e = new IndexEntry(revision, e.position(), idAt.apply(e.position()));
            }
        }
        return e;
    }

    /** The entry at a revision among this group's own events, or null. */
    private IndexEntry pending(long streamId, long revision) {
        Run run = openRuns.get(streamId);
        if (run != null && run.holds(revision)) {
            return run.entry(revision);
        }
        for (Run closed : closedRuns) { // a stream's earlier runs in this group: rare, and few
            if (closed.streamId == streamId && closed.holds(revision)) {
                return closed.entry(revision);
            }
        }
        return null;
    }

    /**
     * The revision at which {@code id} was written to {@code stream} (whose id is {@code streamId}),
     * when the oldest write of the id among the recent events ({@link RecentIds}, pending ones
     * included) went to that stream; else -1. The oldest write is the one idempotency refers to, as
     * in KurrentDB's committed-events cache, where a later write of the id to another stream does
     * not count. The stream's own index entry confirms the window's answer.
     */
    public long revisionOf(UUID id, String stream, long streamId) {
        long revision = recentIds.firstRevision(id, RecentIds.streamHash(stream));
        if (revision < 0) {
            return -1;
        }
        IndexEntry entry = entry(streamId, revision);
        return entry != null && entry.id().equals(id) ? revision : -1;
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
        if (!stream.equals(lastStream)) {
            lastStreamHash = RecentIds.streamHash(stream);
            lastStream = stream;
        }
        recentIds.add(id, lastStreamHash, revision);
        Run run = lastRun != null && lastRun.streamId == info.id() ? lastRun : openRuns.get(info.id());
        if (run == null || !run.extend(revision, position, id)) {
            if (run != null) {
                closedRuns.add(run);
            }
            run = new Run(info.id(), revision, position, id);
            openRuns.put(info.id(), run);
        }
        lastRun = run;
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

    /**
     * Writes this group's changes with the log position they cover. The update keeps its view (the
     * next group may still read it) and must not be fed more events.
     */
    public void commitGroup(long checkpoint) {
        List<Run> runs = new ArrayList<>(closedRuns.size() + openRuns.size());
        runs.addAll(closedRuns);
        runs.addAll(openRuns.values());
        StreamIndex.Batch batch = index.batch(runs.size(), runs.stream().mapToInt(r -> r.count).sum());
        if (runs.size() >= SORTED_FROM) {
            runs.sort(KEY_ORDER);
        }
        for (Run run : runs) {
            batch.putRun(run.streamId, run.firstRevision, run.positions, run.count);
        }
        for (Map.Entry<String, StreamInfo> e : streams.entrySet()) {
            batch.putStream(e.getKey(), e.getValue());
        }
        batch.checkpoint(checkpoint, nextStreamId);
        index.apply(batch);
    }

    /**
     * Groups of at least this many runs are written with their keys in order, so that the
     * memtable's skip list inserts runs of neighbours (measured on crash replay, 50,000 events a
     * batch: RocksDB's write took 38–103 ms sorted against 138–248 ms in arrival order). Below it the
     * sort would cost the committing thread more than it saves.
     */
    static final int SORTED_FROM = 256;

    /** The index's key order: stream ids and revisions are never negative, so signed order is byte order. */
    private static final Comparator<Run> KEY_ORDER = (a, b) -> {
        int c = Long.compare(a.streamId, b.streamId);
        return c != 0 ? c : Long.compare(a.firstRevision, b.firstRevision);
    };

    /**
     * Events a group wrote to one stream at consecutive revisions: one index key
     * ({@link StreamIndex#MAX_RUN}). It keeps their ids too, for lookups until the group is
     * committed; the index keeps positions only.
     */
    private static final class Run {
        final long streamId;
        final long firstRevision;
        long[] positions = new long[4];
        UUID[] ids = new UUID[4];
        int count;

        Run(long streamId, long firstRevision, long position, UUID id) {
            this.streamId = streamId;
            this.firstRevision = firstRevision;
            positions[0] = position;
            ids[0] = id;
            count = 1;
        }

        /** Adds the event if it is the run's next revision and the run has room. */
        boolean extend(long revision, long position, UUID id) {
            if (count == StreamIndex.MAX_RUN || revision != firstRevision + count) {
                return false;
            }
            if (count == positions.length) {
                int length = Math.min(StreamIndex.MAX_RUN, count * 2);
                positions = Arrays.copyOf(positions, length);
                ids = Arrays.copyOf(ids, length);
            }
            positions[count] = position;
            ids[count++] = id;
            return true;
        }

        boolean holds(long revision) {
            return revision >= firstRevision && revision - firstRevision < count;
        }

        IndexEntry entry(long revision) {
            int i = (int) (revision - firstRevision);
            return new IndexEntry(revision, positions[i], ids[i]);
        }
    }

    /** Writes the changes with the log position they cover, and starts afresh (recovery). */
    public void commit(long checkpoint) {
        commitGroup(checkpoint);
        streams.clear();
        openRuns.clear();
        closedRuns.clear();
        lastRun = null;
    }
}
