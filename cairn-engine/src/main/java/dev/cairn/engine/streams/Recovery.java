package dev.cairn.engine.streams;

import dev.cairn.api.CorruptedStoreException;
import dev.cairn.engine.index.IndexUpdate;
import dev.cairn.engine.index.RecentIds;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.log.Checkpoint;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogCursor;
import dev.cairn.engine.log.LogRecord;
import dev.cairn.engine.log.LogRecovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store to a consistent state at start: recovers the log, then replays into the index
 * every batch after the index's checkpoint. An index that is missing is rebuilt from the whole
 * log; one that claims more than the log holds is discarded and rebuilt (the log is the truth).
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int COMMIT_EVERY = 50_000;

    private Recovery() {
    }

    static StreamIndex run(Log log, Checkpoint checkpoint, Path indexDir) throws IOException {
        boolean fresh = !Files.exists(indexDir);
        StreamIndex index = StreamIndex.open(indexDir);
        long from = index.checkpoint();
        if (!isBatchBoundary(log, from)) {
            LOG.warn("index: covers log position {}, which is not the end of a batch in the log; rebuilding it", from);
            index.close();
            deleteRecursively(indexDir);
            index = StreamIndex.open(indexDir);
            from = 0;
        }
        LogRecovery.Result scan = replay(log, checkpoint, index, from, fresh);
        checkpoint.write(scan.end());
        checkpoint.force();
        return index;
    }

    private static LogRecovery.Result replay(Log log, Checkpoint checkpoint, StreamIndex index, long from, boolean fresh)
            throws IOException {
        if (fresh) {
            LOG.info("index: none found, building it from the log");
        }
        // replay decides nothing, so nothing asks its window of recent ids; the store loads the
        // real one afterwards (recentIds)
        IndexUpdate update = new IndexUpdate(index, index::stream, index.nextStreamId(), new RecentIds(1),
                log::eventId);
        long[] pending = {0, 0};
        long started = System.nanoTime();
        LogRecovery.Result result = LogRecovery.recover(log, from, checkpoint.read(), true, batch -> {
            for (LogRecord.Event e : batch.events()) {
                update.event(e.stream(), e.revision(), e.position(), e.id());
            }
            pending[0] += batch.events().size();
            pending[1] += batch.events().size();
            if (pending[0] >= COMMIT_EVERY) {
                update.commit(batch.commit().position() + batch.commit().size());
                pending[0] = 0;
                LOG.info("index: replayed {} events from the log", pending[1]);
            }
        });
        if (!update.isEmpty() || index.checkpoint() < result.end()) {
            update.commit(result.end());
        }
        if (pending[1] > 0) {
            LOG.info("index: replayed {} events in {} ms", pending[1], (System.nanoTime() - started) / 1_000_000);
        }
        return result;
    }

    /**
     * The ids of the last {@code window} event records of a recovered log, for idempotent retries
     * ({@link RecentIds}): the same window the writer had before the store closed or crashed, since
     * it holds exactly the latest events of the log. Reads the log's tail backwards, header fields
     * only. A damaged record ends the window early, with a warning: the store still opens, as it
     * does with damage anywhere before the index's checkpoint, and reads report the damage.
     */
    static RecentIds recentIds(Log log, int window) {
        long started = System.nanoTime();
        long[] msb = new long[Math.min(window, 1 << 16)];
        long[] lsb = new long[msb.length];
        long[] streams = new long[msb.length];
        long[] revisions = new long[msb.length];
        int n = 0;
        LogCursor cursor = log.backwards(log.committedEnd(), false);
        while (n < window) {
            LogRecord r;
            try {
                r = cursor.next();
            } catch (CorruptedStoreException e) {
                LOG.warn("idempotency: the ids of only the last {} events are known, the log is damaged before them: {}",
                        n, e.getMessage());
                break;
            }
            if (r == null) {
                break;
            }
            if (r instanceof LogRecord.Event e) {
                if (n == msb.length) {
                    int grown = (int) Math.min(window, 2L * n);
                    msb = Arrays.copyOf(msb, grown);
                    lsb = Arrays.copyOf(lsb, grown);
                    streams = Arrays.copyOf(streams, grown);
                    revisions = Arrays.copyOf(revisions, grown);
                }
                msb[n] = e.id().getMostSignificantBits();
                lsb[n] = e.id().getLeastSignificantBits();
                streams[n] = RecentIds.streamHash(e.stream());
                revisions[n] = e.revision();
                n++;
            }
        }
        RecentIds ids = new RecentIds(window);
        for (int i = n - 1; i >= 0; i--) { // oldest first, as the writer added them
            ids.add(msb[i], lsb[i], streams[i], revisions[i]);
        }
        if (n > 0) {
            LOG.info("idempotency: loaded the ids of the last {} events in {} ms", n,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return ids;
    }

    /** True when {@code position} is the start of the log or directly follows a commit record. */
    private static boolean isBatchBoundary(Log log, long position) {
        if (position <= log.firstPosition()) {
            return true;
        }
        try {
            log.publish(position);
            return log.backwards(position).next() instanceof LogRecord.Commit;
        } catch (RuntimeException e) {
            return false;
        } finally {
            log.publish(0);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
