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
 */
public record CheckReport(long segments, long batches, long events, long indexEntries, List<String> faults) {

    public CheckReport {
        faults = List.copyOf(faults);
    }

    public boolean clean() {
        return faults.isEmpty();
    }
}
