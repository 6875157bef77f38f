package dev.cairn.engine.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes groups of records to the log. The writer thread {@linkplain #reserve reserves} space for
 * each record and encodes it into the returned buffer, {@linkplain #takeGroup takes} the group's
 * bytes, and a sync thread {@linkplain #flush flushes} them: one write per segment touched and one
 * fdatasync each, then the checkpoint.
 *
 * <p>Design note: only this class writes to segments. It rolls to the next (pre-written) segment
 * when a record does not fit, sealing the previous one. Two buffers alternate so that the writer
 * encodes group N+1 while group N is flushed; the writer takes group N+1 only after group N's flush
 * has finished, which is what makes reusing N's buffer safe.
 *
 * <p>Thread-safety: {@link #reserve}, {@link #lastReserved} and {@link #takeGroup} belong to the
 * writer thread; {@link #flush} may run on another thread, one group at a time.
 */
public final class LogWriter {

    /** The page size the writes are rounded up to (see {@link #padToPage}). */
    private static final int PAGE = 4096;
    private static final byte[] ZEROS = new byte[PAGE];

    private final Log log;
    private final Checkpoint checkpoint;
    private final List<Chunk> sealed = new ArrayList<>();
    private final ByteBuffer[] buffers = {newBuffer(1 << 20), newBuffer(1 << 20)};
    private int current;
    private Segment segment;
    private long tail;
    private long bufferStart;
    private long reserved;

    /**
     * Bytes for one segment, written at {@code fileOffset}, perhaps with zeros after the records
     * ({@link #padToPage}); {@code sealAt} >= 0 seals the segment.
     */
    record Chunk(Segment segment, ByteBuffer bytes, long fileOffset, long sealAt) {
    }

    /**
     * The bytes of one group, ready to be flushed.
     *
     * @param end the log position after the group's last record
     */
    public record Group(List<Chunk> chunks, long end) {
        public boolean isEmpty() {
            return chunks.isEmpty();
        }

        /** The bytes still to be written: all of them before {@link #flush}. */
        public long size() {
            long size = 0;
            for (Chunk c : chunks) {
                size += c.bytes.remaining();
            }
            return size;
        }
    }

    /**
     * @param tail the end of valid data, where the next record goes
     */
    public LogWriter(Log log, Checkpoint checkpoint, long tail) {
        this.log = log;
        this.checkpoint = checkpoint;
        this.segment = log.segmentFor(tail == log.segmentCount() * log.segmentSize() ? tail - 1 : tail);
        this.tail = tail;
        this.bufferStart = tail;
    }

    private static ByteBuffer newBuffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The largest record a segment can hold. */
    public long maxRecordSize() {
        return log.segmentSize() - Segment.HEADER_SIZE;
    }

    /**
     * Reserves {@code size} bytes for one record, rolling to the next segment if it does not fit.
     *
     * @return the buffer to encode the record into, positioned and with room for it; the record's
     *     log position is then {@link #lastReserved()}
     */
    public ByteBuffer reserve(int size) throws IOException {
        if (size > maxRecordSize()) {
            throw new IllegalArgumentException("record of " + size + " bytes exceeds segment capacity " + maxRecordSize());
        }
        long segmentEnd = segment.basePosition() + segment.size();
        if (tail + size > segmentEnd) {
            roll();
        }
        ByteBuffer buffer = buffers[current];
        if (buffer.remaining() < size) {
            buffer = grow(size);
        }
        reserved = tail;
        tail += size;
        return buffer;
    }

    /** The position of the record last reserved. */
    public long lastReserved() {
        return reserved;
    }

    private void roll() throws IOException {
        long dataEnd = tail - segment.basePosition();
        ByteBuffer buffer = buffers[current];
        ByteBuffer bytes = newBuffer(Math.max(buffer.position(), 1));
        bytes.put(buffer.flip()).flip();
        buffer.clear();
        sealed.add(new Chunk(segment, bytes, bufferStart - segment.basePosition(), dataEnd));
        Segment next = log.segmentCount() > segment.index() + 1 ? log.segment(segment.index() + 1) : log.addSegment();
        segment = next;
        tail = next.basePosition() + Segment.HEADER_SIZE;
        bufferStart = tail;
    }

    private ByteBuffer grow(int need) {
        ByteBuffer buffer = buffers[current];
        int capacity = buffer.capacity();
        while (capacity - buffer.position() < need) {
            capacity *= 2;
        }
        ByteBuffer bigger = newBuffer(capacity);
        bigger.put(buffer.flip());
        buffers[current] = bigger;
        return bigger;
    }

    /**
     * Takes the bytes reserved since the last call as one group and starts the next group in the
     * other buffer. Call only when the previously taken group has been flushed.
     */
    public Group takeGroup() {
        List<Chunk> chunks = new ArrayList<>(sealed);
        sealed.clear();
        if (buffers[current].position() > 0) {
            long fileOffset = bufferStart - segment.basePosition();
            chunks.add(new Chunk(segment, padToPage(fileOffset).flip(), fileOffset, -1));
        }
        current ^= 1;
        buffers[current].clear();
        bufferStart = tail;
        return new Group(List.copyOf(chunks), tail);
    }

    /**
     * Adds zeros after the bytes in the current buffer up to the end of the page they end in (within
     * the segment), so that the write covers whole pages: the kernel then does not read a page back
     * from the disk to merge a partial write into it, which it must for a page it does not hold,
     * as after the segment was pre-written with direct I/O ({@link SegmentAllocator}). The next
     * group starts in that last page, which the write has just put in the page cache. The zeros are
     * what the pre-written segment holds there already (or a torn record's remains after a crash,
     * which nothing reads).
     *
     * @return the current buffer, positioned after the zeros
     */
    private ByteBuffer padToPage(long fileOffset) {
        ByteBuffer buffer = buffers[current];
        long end = fileOffset + buffer.position();
        int pad = (int) (Math.min((end + PAGE - 1) & -PAGE, segment.size()) - end);
        if (pad > buffer.remaining()) {
            buffer = grow(pad);
        }
        return buffer.put(buffer.position(), ZEROS, 0, pad).position(buffer.position() + pad);
    }

    /**
     * Writes and fdatasyncs a group, then updates the checkpoint. On failure the caller must stop
     * writing (fail-stop): what reached the disk is unknown.
     *
     * @return the new end of durable data
     */
    public long flush(Group group) throws IOException {
        Segment last = null;
        for (Chunk chunk : group.chunks()) {
            if (last != null && last != chunk.segment) {
                last.channel().force(false);
            }
            writeFully(chunk.segment, chunk.bytes, chunk.fileOffset);
            if (chunk.sealAt >= 0) {
                writeFully(chunk.segment, Log.seal(chunk.sealAt), Log.SEAL_OFFSET);
            }
            last = chunk.segment;
        }
        if (last != null) {
            last.channel().force(false);
        }
        checkpoint.write(group.end());
        return group.end();
    }

    private static void writeFully(Segment segment, ByteBuffer bytes, long offset) throws IOException {
        long at = offset;
        while (bytes.hasRemaining()) {
            at += segment.channel().write(bytes, at);
        }
    }
}
