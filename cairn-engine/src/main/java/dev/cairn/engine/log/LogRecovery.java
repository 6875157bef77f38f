package dev.cairn.engine.log;

import dev.cairn.api.CorruptedStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the end of the valid log after a start, hands every complete batch after a given position
 * to a consumer (to replay the index), and removes a torn tail.
 *
 * <p>A batch is complete when its commit record is present and agrees with it (start, count).
 * Invalid bytes at or after the durable checkpoint are a torn tail: an append that was never
 * acknowledged. They are zeroed (to the end of their segment; later segments are removed) so that
 * stale bytes can never be mistaken for records later. Invalid bytes before the checkpoint are
 * corruption of acknowledged data: recovery stops with a message naming the segment and offset of
 * the damaged record. So is a log that ends cleanly before the checkpoint (a segment file gone,
 * acknowledged bytes zeroed, a damaged seal): the error names the missing file or where the log
 * ends. The checkpoint is written only after fdatasync, so it is never legitimately ahead.
 *
 * <p>A record may end exactly at a segment's end; the next batch then starts right after the next
 * segment's header, as it does after a seal.
 */
public final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /** A complete batch: its event records (header fields only: data and metadata come back empty) and its commit. */
    public record Batch(List<LogRecord.Event> events, LogRecord.Commit commit) {
    }

    /** What recovery found. */
    public record Result(long end, long batches, long events, boolean truncated) {
    }

    private LogRecovery() {
    }

    /**
     * Scans from {@code from} (a batch boundary, e.g. the index's checkpoint) to the end.
     *
     * @param durable the end of data known acknowledged (the {@link Checkpoint})
     * @param repair whether to zero a torn tail (false for a read-only check)
     */
    public static Result recover(Log log, long from, long durable, boolean repair, Consumer<Batch> consumer)
            throws IOException {
        long position = Math.max(from, log.firstPosition());
        long batchStart = position;
        List<LogRecord.Event> events = new ArrayList<>();
        long batches = 0;
        long eventCount = 0;
        boolean invalid = false;
        String problem = null;
        while (true) {
            long segmentIndex = position / log.segmentSize();
            if (segmentIndex >= log.segmentCount()) {
                break;
            }
            Segment segment = log.segment(segmentIndex);
            int offset = (int) (position - segment.basePosition());
            if (offset < Segment.HEADER_SIZE) {
                // the previous segment was filled to its last byte: the next batch starts after this header
                position = segment.basePosition() + Segment.HEADER_SIZE;
                if (events.isEmpty()) {
                    batchStart = position;
                }
                continue;
            }
            int length = RecordCodec.validate(segment.buffer(), offset, (int) segment.size());
            if (length <= 0 && Log.sealOf(segment) == offset) {
                if (segmentIndex + 1 < log.segmentCount()) {
                    position = segment.basePosition() + segment.size() + Segment.HEADER_SIZE;
                    if (events.isEmpty()) {
                        batchStart = position;
                    }
                    continue;
                }
                // sealed, so the log goes on in the next segment, which does not exist
                position = segment.basePosition() + segment.size() + Segment.HEADER_SIZE;
                break;
            }
            if (length == 0) {
                break;
            }
            if (length < 0) {
                invalid = true;
                problem = "invalid record (bad length, trailer or CRC)";
                break;
            }
            LogRecord record = RecordCodec.decode(segment.buffer(), offset, position, false);
            if (record instanceof LogRecord.Event e) {
                events.add(e);
                position += length;
                continue;
            }
            LogRecord.Commit commit = (LogRecord.Commit) record;
            if (commit.batchStart() != batchStart || commit.eventCount() != events.size()) {
                invalid = true;
                problem = "commit record does not match its batch (it says start " + commit.batchStart() + " and "
                        + commit.eventCount() + " events; the batch starts at " + batchStart + " with " + events.size() + ")";
                break;
            }
            position += length;
            consumer.accept(new Batch(List.copyOf(events), commit));
            batches++;
            eventCount += events.size();
            events.clear();
            batchStart = position;
        }
        long end = batchStart;
        boolean torn = invalid || !events.isEmpty() || hasBytesAt(log, end);
        if (!torn && end < durable) {
            throw endsEarly(log, position, end, durable);
        }
        if (torn) {
            if (end < durable) {
                throw damaged(log, invalid || !events.isEmpty() ? position : end, problem, end, durable);
            }
            if (repair) {
                LOG.warn("log: discarding a torn tail at position {} (an append that was never acknowledged)", end);
                zeroFrom(log, end);
            }
        }
        log.publish(end);
        return new Result(end, batches, eventCount, torn);
    }

    /**
     * The error for a log that ends cleanly before the durable checkpoint: acknowledged data was
     * lost (a segment file is gone, or its bytes were zeroed). Names the missing file, or where the
     * log ends.
     */
    private static CorruptedStoreException endsEarly(Log log, long stop, long end, long durable) {
        String consequence = "the log ends at position " + end + " but acknowledged data reaches " + durable
                + " (acknowledged data is missing; run 'cairn check')";
        long index = stop / log.segmentSize();
        if (index >= log.segmentCount()) {
            return new CorruptedStoreException("log segment " + log.directory().resolve(Segment.fileName(index))
                    + " is missing: " + consequence);
        }
        Segment segment = log.segmentFor(end);
        return Log.corrupt(segment, end - segment.basePosition(), "no record where one should be: " + consequence);
    }

    /**
     * The error for invalid bytes before the durable checkpoint: acknowledged data is damaged.
     * Names the segment and offset of the record where the scan stopped (not merely the start of
     * its batch, which may be in an earlier segment), or the missing segment a batch runs into.
     */
    private static CorruptedStoreException damaged(Log log, long stop, String problem, long end, long durable) {
        String consequence = "the last complete batch ends at position " + end + ", before the durable end " + durable
                + " (acknowledged data is damaged; run 'cairn check')";
        long index = stop / log.segmentSize();
        if (index >= log.segmentCount()) {
            return new CorruptedStoreException("log segment " + log.directory().resolve(Segment.fileName(index))
                    + " is missing: the batch starting at position " + end + " runs into it; " + consequence);
        }
        Segment segment = log.segment(index);
        String what = problem != null ? problem : stop == end ? "unexpected bytes after a complete batch"
                : "the batch starting at position " + end + " ends without its commit record";
        return Log.corrupt(segment, stop - segment.basePosition(), what + "; " + consequence);
    }

    private static boolean hasBytesAt(Log log, long position) {
        long segmentIndex = position / log.segmentSize();
        if (segmentIndex >= log.segmentCount()) {
            return false;
        }
        Segment segment = log.segment(segmentIndex);
        int offset = (int) (position - segment.basePosition());
        if (offset + 4 > segment.size()) {
            return false;
        }
        return segment.buffer().getInt(offset) != 0 || (Log.sealOf(segment) != offset && hasNonZero(segment, offset));
    }

    private static boolean hasNonZero(Segment segment, int offset) {
        ByteBuffer b = segment.buffer();
        int limit = (int) Math.min(segment.size(), offset + (1 << 16));
        for (int i = offset; i + 8 <= limit; i += 8) {
            if (b.getLong(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private static void zeroFrom(Log log, long position) throws IOException {
        Segment segment = log.segmentFor(position);
        long offset = position - segment.basePosition();
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long at = offset;
        while (at < segment.size()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), segment.size() - at));
            while (zeros.hasRemaining()) {
                at += segment.channel().write(zeros, at);
            }
        }
        if (Log.sealOf(segment) >= 0) {
            ByteBuffer clear = ByteBuffer.allocate(12);
            segment.channel().write(clear, Log.SEAL_OFFSET);
        }
        segment.channel().force(false);
        log.dropSegmentsAfter(segment.index());
    }
}
