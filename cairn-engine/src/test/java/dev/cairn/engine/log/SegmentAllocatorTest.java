package dev.cairn.engine.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared segment is the same file whether it was written with direct I/O or through the page
 * cache: its header, then zeros to its full size, and no temporary file left behind.
 */
class SegmentAllocatorTest {

    private static final long SIZE = 3L << 20; // three zero chunks, the first one carrying the header

    @TempDir
    Path dir;

    @Test
    void directAndBufferedSegmentsAreTheSameFile() throws IOException {
        Path direct = Files.createDirectory(dir.resolve("direct"));
        Path buffered = Files.createDirectory(dir.resolve("buffered"));
        byte[] viaDirect = prepare(new SegmentAllocator(direct, SIZE, true), 7);
        byte[] viaBuffered = prepare(new SegmentAllocator(buffered, SIZE, false), 7);

        assertThat(viaDirect).hasSize((int) SIZE).isEqualTo(viaBuffered);
        byte[] header = new byte[Segment.HEADER_SIZE];
        Segment.header(7, SIZE).get(header);
        for (int i = 0; i < SIZE; i++) {
            byte expected = i < header.length ? header[i] : 0;
            if (viaDirect[i] != expected) {
                throw new AssertionError("byte " + i + " is " + viaDirect[i] + ", expected " + expected);
            }
        }
        try (var files = Files.list(direct)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(Segment.fileName(7));
        }
    }

    @Test
    void aSegmentSizeDirectIoCannotWriteFallsBackToThePageCache() throws IOException {
        long odd = (1L << 20) + 100; // not a multiple of any block size
        byte[] bytes = prepare(new SegmentAllocator(dir, odd, true), 0);
        assertThat(bytes).hasSize((int) odd);
        assertThat(Segment.readSize(dir.resolve(Segment.fileName(0)))).isEqualTo(odd);
    }

    @Test
    void closingStopsAPreparationAndLeavesTheDirectoryAlone() throws IOException {
        for (boolean direct : new boolean[] {true, false}) {
            Path sub = Files.createDirectory(dir.resolve("close-" + direct));
            SegmentAllocator allocator = new SegmentAllocator(sub, 256L << 20, direct);
            allocator.prepare(0);
            allocator.close();
            // nothing may appear or change in the directory once close has returned
            List<String> after = names(sub);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(names(sub)).as("direct %s", direct).isEqualTo(after);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
        }
    }

    private static byte[] prepare(SegmentAllocator allocator, long index) throws IOException {
        try (allocator) {
            return Files.readAllBytes(allocator.take(index));
        }
    }
}
