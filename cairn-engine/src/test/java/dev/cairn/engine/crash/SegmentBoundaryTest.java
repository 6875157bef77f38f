package dev.cairn.engine.crash;

import static dev.cairn.engine.crash.LogFixture.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.log.RecordCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records that end exactly at the end of a segment: a segment filled to its last byte has no room
 * for a seal gap, so the next batch starts right after the next segment's header. Recovery must
 * find that batch's start where the writer put it, after a clean close and after the index is lost.
 */
class SegmentBoundaryTest {

    private static final String STREAM = "boundary";
    private static final byte[] TYPE = "Filled".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /**
     * @param layout 0: the batch's commit record fills the segment exactly; 1: its last event fills
     *     it and the commit goes to the next segment; 2: as 0, and the store is closed right there,
     *     so the log ends exactly at the segment end
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aSegmentFilledToItsLastByteReopens(int layout) throws IOException {
        int commitInNextSegment = layout == 1 ? 1 : 0;
        List<LogFixture.Batch> expected = new ArrayList<>();
        Random random = new Random(11);
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            expected.addAll(LogFixture.writeBatches(store, random, 40));
            long head = store.headPosition().commit();
            long segmentEnd = (head / SEGMENT_SIZE + 1) * SEGMENT_SIZE;
            // fill with 60 KB events until the rest of the segment fits in one event
            while (segmentEnd - head > 80_000) {
                append(store, 60_000);
                head = store.headPosition().commit();
            }
            int overhead = RecordCodec.eventSize(STREAM.getBytes(StandardCharsets.UTF_8), TYPE, 0, 0);
            int fill = (int) (segmentEnd - head) - overhead - (commitInNextSegment == 0 ? RecordCodec.COMMIT_SIZE : 0);
            append(store, fill);
            if (commitInNextSegment == 0) {
                assertThat(store.headPosition().commit()).as("the batch ends exactly at the segment end").isEqualTo(segmentEnd);
            }
            if (layout != 2) {
                expected.addAll(LogFixture.writeBatches(store, random, 5));
            }
        }
        List<UUID> all;
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            all = LogFixture.readAll(store).stream().map(e -> e.id()).toList();
            expected.addAll(LogFixture.writeBatches(store, random, 5));
        }
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
        LogFixture.deleteTree(dir.resolve("index"));
        try (EventStore store = Cairn.open(LogFixture.options(dir))) {
            List<UUID> ids = LogFixture.readAll(store).stream().map(e -> e.id()).toList();
            assertThat(ids).hasSizeGreaterThan(all.size()).containsAll(all);
            for (LogFixture.Batch b : expected) {
                assertThat(ids).containsAll(b.ids());
            }
            // backwards across the filled segment, whether or not it was sealed
            List<UUID> backwards = new ArrayList<>(store.readAllToList(dev.cairn.api.ReadAllOptions.backwards()).stream()
                    .map(e -> e.event().id()).toList());
            java.util.Collections.reverse(backwards);
            assertThat(backwards).as("$all backwards").isEqualTo(ids);
        }
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
    }

    private static void append(EventStore store, int dataLength) {
        byte[] data = new byte[dataLength];
        store.append(StreamName.of(STREAM), StreamState.any(),
                List.of(new EventData(UUID.randomUUID(), EventType.of("Filled"), ContentType.BINARY, data, null)));
    }
}
