package dev.cairn.engine.check;

import dev.cairn.api.CairnException;
import dev.cairn.api.CorruptedStoreException;
import dev.cairn.engine.DirectoryLock;
import dev.cairn.engine.index.IndexEntry;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.Checkpoint;
import dev.cairn.engine.log.ChannelFactory;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogRecord;
import dev.cairn.engine.log.LogRecovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies a data directory offline ({@code cairn check}): every record's CRC and frame, that
 * every batch is complete, and that the index agrees with the log (each indexed event points at
 * the record of that stream and revision; the index covers no more than the log holds). Changes
 * nothing: a torn tail is reported, not repaired. Takes the directory lock, so it refuses a store
 * that is open.
 */
public final class StoreChecker {

    private static final int MAX_FAULTS = 100;

    private StoreChecker() {
    }

    public static CheckReport check(Path dataDir) throws IOException {
        return check(dataDir, true);
    }

    /**
     * As {@link #check(Path)}, of the log alone: for a directory without an index by design, such
     * as a backup ({@code LogBackup}), whose first open builds one.
     */
    public static CheckReport checkLog(Path dataDir) throws IOException {
        return check(dataDir, false);
    }

    private static CheckReport check(Path dataDir, boolean withIndex) throws IOException {
        if (!Files.isDirectory(dataDir.resolve("log"))) {
            throw new IOException("no Cairn store in " + dataDir + " (no log directory)");
        }
        try (DirectoryLock lock = DirectoryLock.acquire(dataDir)) {
            Log log;
            try {
                log = Log.open(dataDir.resolve("log"), 0, ChannelFactory.DEFAULT);
            } catch (CorruptedStoreException e) {
                // a missing, truncated or foreign segment file is a finding about the store, not a failure of the check
                return new CheckReport(0, 0, 0, 0, List.of(e.getMessage()), -1);
            }
            try (log) {
                return check(dataDir, log, withIndex);
            }
        }
    }

    private static CheckReport check(Path dataDir, Log log, boolean withIndex) throws IOException {
        List<String> faults = new ArrayList<>();
        long durable;
        try (Checkpoint checkpoint = Checkpoint.open(dataDir.resolve("log").resolve("checkpoint"))) {
            durable = checkpoint.read();
        }
        Path indexDir = dataDir.resolve("index");
        if (withIndex && !Files.isDirectory(indexDir)) {
            faults.add("index directory " + indexDir + " is missing (it is rebuilt from the log on open)");
        }
        try (StreamIndex index = withIndex && Files.isDirectory(indexDir) ? StreamIndex.open(indexDir) : null) {
            long indexCheckpoint = index == null ? 0 : index.checkpoint();
            Map<String, StreamInfo> streams = new HashMap<>();
            long[] events = {0};
            LogRecovery.Result result;
            try {
                result = LogRecovery.recover(log, 0, durable, false, batch -> {
                    for (LogRecord.Event e : batch.events()) {
                        events[0]++;
                        if (index != null && e.position() < indexCheckpoint && faults.size() < MAX_FAULTS) {
                            checkIndexed(index, streams, e, faults);
                        }
                    }
                });
            } catch (CairnException e) {
                faults.add(e.getMessage());
                return new CheckReport(log.segmentCount(), 0, events[0], 0, faults, -1);
            }
            long tornTailAt = result.truncated() ? result.end() : -1;
            long entries = index == null ? 0 : index.countEntries();
            if (index != null && indexCheckpoint > result.end()) {
                faults.add("index covers log position " + indexCheckpoint + " but the log ends at " + result.end());
            }
            return new CheckReport(log.segmentCount(), result.batches(), events[0], entries, faults, tornTailAt);
        }
    }

    private static void checkIndexed(StreamIndex index, Map<String, StreamInfo> streams, LogRecord.Event e,
            List<String> faults) {
        StreamInfo info = streams.computeIfAbsent(e.stream(), index::stream);
        if (info == null) {
            faults.add("stream '" + e.stream() + "' (event at position " + e.position() + ") is missing from the index");
            return;
        }
        IndexEntry entry = index.entry(info.id(), e.revision());
        if (entry == null || entry.position() != e.position() || entry.id() != null && !entry.id().equals(e.id())) {
            faults.add("index entry for revision " + e.revision() + " of '" + e.stream() + "' does not point at position "
                    + e.position() + (entry == null ? " (missing)" : " (points at " + entry.position() + ")"));
        }
    }
}
