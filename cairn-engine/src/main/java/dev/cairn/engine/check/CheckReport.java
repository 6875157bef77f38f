package dev.cairn.engine.check;

import java.util.List;

/**
 * What {@link StoreChecker} found.
 *
 * @param segments log segments read
 * @param batches complete batches verified
 * @param events event records verified (CRC, batch membership, index entry)
 * @param indexEntries entries in the index
 * @param faults every problem found, each naming where; empty when the store is sound
 * @param tornTailAt where the log ends in a torn batch after its last acknowledged write, or -1.
 *     Such a batch is an append a crash cut off before it was acknowledged: the next open discards
 *     it. A process killed while it writes can leave one (a batch may be written in more than one
 *     call, for example across a segment's end), so it is a finding, not damage; it is also among
 *     the {@code faults}, so {@code cairn check} reports it.
 */
public record CheckReport(long segments, long batches, long events, long indexEntries, List<String> faults,
        long tornTailAt) {

    public CheckReport {
        faults = List.copyOf(faults);
    }

    public boolean clean() {
        return faults.isEmpty();
    }

    /** The faults other than a torn tail: damage, not just an append cut off by a crash. */
    public List<String> faultsBesidesTornTail() {
        return tornTailAt < 0 ? faults : faults.stream().filter(f -> !f.equals(tornTailFault(tornTailAt))).toList();
    }

    static String tornTailFault(long position) {
        return "log ends with a torn batch at position " + position
                + " (an unacknowledged append; it is discarded on the next open)";
    }
}
