package dev.cairn.engine.index;

import java.util.Arrays;
import java.util.UUID;

/**
 * The ids of the last {@code capacity} event records of the log, in log order: what idempotent
 * retries of {@code any} and {@code stream exists} appends are checked against. KurrentDB keeps the
 * same kind of bounded window in memory (its committed-events cache); the window here is exactly
 * the last {@code capacity} event records, a function of the log alone, so a store that reopens
 * and reloads it from the log's tail decides every retry as it would have without the restart.
 *
 * <p>Memory is fixed at open: a ring of {@code capacity} slots (id, stream, revision, chain link)
 * and two to four hash buckets per slot, 56 to 72 bytes per slot. Adding a record overwrites the
 * oldest slot. Every write of an id has its own slot, so when the oldest write of an id leaves the
 * window a later one still inside it is found. Buckets and chain links name records by their
 * sequence number in the log ({@code added} at the time), not by slot, and a chain runs from newer
 * to older records, so a lookup stops at the first record that has left the window: a record
 * leaving it is never unlinked. (Unlinking meant finding the evicted slot's predecessor in its
 * chain, a cache miss or two per added record and a third of the writer's time at 100-event
 * appends.) Streams are kept as a 64-bit hash of their name ({@link #streamHash}), which the log's
 * records give without an index lookup, so that the window is reloaded at open by reading the log
 * alone.
 *
 * <p>A record's bucket is a random place in a table of megabytes, so linking a record into it
 * misses the CPU's caches; linked as each event was encoded, that miss was 40% of the writer's
 * time at 100-event appends. Records are therefore linked {@value #STAGE} at a time, or before a
 * lookup, in a loop of nothing else, whose misses the CPU overlaps (see docs/benchmarks.md, "Kept:
 * recent ids linked in batches").
 *
 * <p>Not thread-safe: used by whichever thread decides writes, under the writer's lock.
 */
public final class RecentIds {

    private static final int NONE = -1;
    /** At most this many records wait to be linked into their buckets. */
    static final int STAGE = 64;

    private final int capacity;
    private final long[] msb;
    private final long[] lsb;
    private final long[] streams;
    private final long[] revisions;
    /**
     * Per slot, the sequence number of the next older record of the same bucket, or {@link #NONE};
     * it may have left the window (see {@link #firstRevision}).
     */
    private final long[] next;
    /** The sequence number of the newest record of each bucket, or {@link #NONE}. */
    private final long[] buckets;
    private final int mask;
    /**
     * Records added so far: the next one gets this sequence number and goes to slot
     * {@code added % capacity}.
     */
    private long added;
    /** The slot of the next record: {@code added % capacity}, without a division. */
    private int nextSlot;
    /** Records added but not yet linked into their buckets, oldest first: their slots. */
    private final int[] staged;
    private int stagedCount;

    /** @param capacity how many of the latest event records the window holds (at least 1) */
    public RecentIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the window must hold at least one event, was " + capacity);
        }
        this.capacity = capacity;
        this.msb = new long[capacity];
        this.lsb = new long[capacity];
        this.streams = new long[capacity];
        this.revisions = new long[capacity];
        this.next = new long[capacity];
        int bucketCount = Integer.highestOneBit(Math.max(1, capacity - 1)) << 2; // 2-4 buckets per slot
        this.buckets = new long[bucketCount];
        this.mask = bucketCount - 1;
        Arrays.fill(buckets, NONE);
        // no more than the window holds, so that a record is linked before its slot is reused
        this.staged = new int[Math.min(STAGE, capacity)];
    }

    /**
     * Records the next event record of the log: its id, its stream ({@link #streamHash}) and its
     * revision there.
     */
    public void add(UUID id, long stream, long revision) {
        add(id.getMostSignificantBits(), id.getLeastSignificantBits(), stream, revision);
    }

    /** {@link #add(UUID, long, long)} with the id as its two halves, as the log's records hold it. */
    public void add(long hi, long lo, long stream, long revision) {
        int slot = nextSlot;
        nextSlot = slot + 1 == capacity ? 0 : slot + 1;
        msb[slot] = hi;
        lsb[slot] = lo;
        streams[slot] = stream;
        revisions[slot] = revision;
        staged[stagedCount++] = slot;
        added++;
        if (stagedCount == staged.length) {
            link();
        }
    }

    /**
     * Links the staged records into their buckets, oldest first. The sequence number of the i-th
     * of n staged records is {@code added - n + i}.
     */
    private void link() {
        long seq = added - stagedCount;
        for (int i = 0; i < stagedCount; i++, seq++) {
            int slot = staged[i];
            int bucket = bucket(msb[slot], lsb[slot]);
            next[slot] = buckets[bucket];
            buckets[bucket] = seq;
        }
        stagedCount = 0;
    }

    /**
     * The revision of the oldest write of {@code id} in the window when that write went to {@code
     * stream} ({@link #streamHash}); -1 when the window holds no write of the id, or when its
     * oldest went to another stream (KurrentDB's committed-events cache also keeps an id's first
     * write only). A hash can collide, so callers confirm a revision against the stream's index
     * entry.
     */
    public long firstRevision(UUID id, long stream) {
        if (stagedCount > 0) {
            link();
        }
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        int oldest = NONE;
        // Newer records come first in a chain, so the last match is the oldest write. A record
        // older than the window's first has left it and its slot holds a newer record; the rest
        // of the chain is older still. NONE (-1) is below every window.
        long first = Math.max(0, added - capacity);
        for (long seq = buckets[bucket(hi, lo)]; seq >= first; ) {
            int s = (int) (seq % capacity);
            if (msb[s] == hi && lsb[s] == lo) {
                oldest = s;
            }
            seq = next[s];
        }
        return oldest != NONE && streams[oldest] == stream ? revisions[oldest] : -1;
    }

    /** A 64-bit hash of a stream name (FNV-1a over its UTF-16 chars), how the window names streams. */
    public static long streamHash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    private int bucket(long hi, long lo) {
        long h = (hi ^ Long.rotateLeft(lo, 29)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
