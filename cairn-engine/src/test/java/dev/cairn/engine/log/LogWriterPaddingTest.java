package dev.cairn.engine.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log writer writes whole pages: each group's write ends on a page boundary (or at the end of
 * the segment), with zeros after its records, so the kernel never reads a page back to merge a
 * partial write. The records land where they were reserved, and the zeros change nothing on disk.
 */
class LogWriterPaddingTest {

    private static final long SEGMENT = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void groupsEndOnPageBoundariesAndTheRecordsLandWhereReserved() throws IOException {
        try (Log log = Log.open(dir.resolve("log"), SEGMENT, ChannelFactory.DEFAULT);
                Checkpoint checkpoint = Checkpoint.open(dir.resolve("checkpoint"))) {
            LogWriter writer = new LogWriter(log, checkpoint, Segment.HEADER_SIZE);
            byte[] expected = new byte[(int) (2 * SEGMENT)];
            int[] sizes = {300, 5000, 8192 - 64 - 5300, 1, 8191, 20_000, 33_000, 7}; // the third ends on a page
            long written = 0;
            byte fill = 1;
            for (int size : sizes) {
                ByteBuffer buffer = writer.reserve(size);
                long at = writer.lastReserved();
                for (int i = 0; i < size; i++) {
                    buffer.put(fill);
                }
                Arrays.fill(expected, (int) at, (int) at + size, fill);
                fill++;
                LogWriter.Group group = writer.takeGroup();
                for (LogWriter.Chunk chunk : group.chunks()) {
                    long end = chunk.fileOffset() + chunk.bytes().remaining();
                    if (chunk.sealAt() < 0) {
                        assertThat(end % 4096 == 0 || end == SEGMENT)
                                .as("a group's write ends at %d, on a page boundary or the segment's end", end)
                                .isTrue();
                    }
                }
                written = writer.flush(group);
                assertThat(written).isEqualTo(at + size);
            }
            assertThat(log.segmentCount()).as("the records rolled into a second segment").isEqualTo(2);
            for (int s = 0; s < 2; s++) {
                byte[] file = Files.readAllBytes(log.segment(s).path());
                int from = Segment.HEADER_SIZE;
                int to = (int) Math.min(SEGMENT, written - s * SEGMENT);
                assertThat(Arrays.copyOfRange(file, from, to))
                        .as("segment %d's records", s)
                        .isEqualTo(Arrays.copyOfRange(expected, (int) (s * SEGMENT) + from, (int) (s * SEGMENT) + to));
            }
            byte[] last = Files.readAllBytes(log.segment(1).path());
            int end = (int) (written - SEGMENT);
            assertThat(Arrays.copyOfRange(last, end, last.length)).as("zeros after the last record")
                    .containsOnly((byte) 0);
        }
    }
}
