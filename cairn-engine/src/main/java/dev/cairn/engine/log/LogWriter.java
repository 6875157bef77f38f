package dev.cairn.engine.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes groups of records to the log: the writer thread {@linkplain #reserve reserves} space for
 * each record and encodes it into the returned buffer, then {@link #flush} writes the whole group
 * with one write per segment touched and one fdatasync each.
 *
 * <p>Design note: only this class writes to segments. It rolls to the next (pre-written) segment
 * when a record does not fit, sealing the previous one. Not thread-safe: the writer thread only.
 */
public final class LogWriter {

    private final Log log;
    private final Checkpoint checkpoint;
    private final List<Chunk> sealed = new ArrayList<>();
    private Segment segment;
    private long tail;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long bufferStart;
    private long reserved;

    private record Chunk(Segment segment, ByteBuffer bytes, long fileOffset, long sealAt) {
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

    /** Where the next record will go, if it fits in the current segment. */
    public long tail() {
        return tail;
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
        if (buffer.remaining() < size) {
            grow(size);
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
        sealed.add(new Chunk(segment, takeBuffer(), bufferStart - segment.basePosition(), dataEnd));
        Segment next = log.segmentCount() > segment.index() + 1 ? log.segment(segment.index() + 1) : log.addSegment();
        segment = next;
        tail = next.basePosition() + Segment.HEADER_SIZE;
        bufferStart = tail;
    }

    private ByteBuffer takeBuffer() {
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(buffer.position(), 1)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(buffer.flip()).flip();
        buffer.clear();
        return bytes;
    }

    private void grow(int need) {
        int capacity = buffer.capacity();
        while (capacity - buffer.position() < need) {
            capacity *= 2;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(buffer.flip());
        buffer = bigger;
    }

    /** True when records were reserved since the last flush. */
    public boolean hasPending() {
        return tail != bufferStart || !sealed.isEmpty();
    }

    /**
     * Writes and fdatasyncs everything reserved since the last flush, then updates the checkpoint.
     * On failure the caller must stop writing (fail-stop): what reached the disk is unknown.
     *
     * @return the new end of durable data
     */
    public long flush() throws IOException {
        for (Chunk chunk : sealed) {
            writeFully(chunk.segment, chunk.bytes, chunk.fileOffset);
            writeFully(chunk.segment, Log.seal(chunk.sealAt), Log.SEAL_OFFSET);
            chunk.segment.channel().force(false);
        }
        sealed.clear();
        buffer.flip();
        if (buffer.hasRemaining()) {
            writeFully(segment, buffer, bufferStart - segment.basePosition());
            segment.channel().force(false);
        }
        buffer.clear();
        bufferStart = tail;
        checkpoint.write(tail);
        return tail;
    }

    private static void writeFully(Segment segment, ByteBuffer bytes, long offset) throws IOException {
        long at = offset;
        while (bytes.hasRemaining()) {
            at += segment.channel().write(bytes, at);
        }
    }
}
