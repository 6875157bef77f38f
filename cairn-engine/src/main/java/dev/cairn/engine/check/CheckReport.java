package dev.cairn.engine.check;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link StoreChecker} found.
 *
 * @param segments log segments read
 * @param batches complete batches verified
 * @param events event records verified (CRC, batch membership, index entry)
 * @param indexEntries entries in the index
 * @param faults every sign of damage found, each naming where; empty when the store is sound
 * @param tornTailAt where the log ends in a torn batch after its last acknowledged write, or -1.
 *     Such a batch is an append a crash cut off before it was acknowledged: the next open discards
 *     it. A process killed while it writes can leave one (a batch may be written in more than one
 *     call, for example across a segment's end), so it is a finding, not damage, and not among the
 *     {@code faults}; {@link #tornTailNote} says it.
 */
public record CheckReport(long segments, long batches, long events, long indexEntries, List<String> faults,
        long tornTailAt) {

    public CheckReport {
        faults = List.copyOf(faults);
    }

    /** Neither damage nor a torn tail: the store is exactly as a clean shutdown leaves it. */
    public boolean clean() {
        return faults.isEmpty() && tornTailAt < 0;
    }

    /** No damage: every acknowledged write is intact, though a torn tail may follow them. */
    public boolean sound() {
        return faults.isEmpty();
    }

    /** Every finding: the faults, then the torn tail's note; empty when the store is {@link #clean}. */
    public List<String> findings() {
        if (tornTailAt < 0) {
            return faults;
        }
        List<String> all = new ArrayList<>(faults);
        all.add(tornTailNote());
        return List.copyOf(all);
    }

    /** The torn tail in words, or null when there is none. */
    public String tornTailNote() {
        return tornTailAt < 0 ? null : "log ends with a torn batch at position " + tornTailAt
                + " (an append a crash cut off before it was acknowledged; the next open discards it)";
    }
}
