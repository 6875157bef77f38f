package dev.cairn.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a committed {@link IndexUpdate} leaves in the index, whatever order it writes its keys in:
 * each case runs with a group below {@link IndexUpdate#SORTED_FROM} (keys in arrival order) and one
 * above it (keys sorted).
 */
class IndexUpdateTest {

    @TempDir
    Path dir;
    private StreamIndex index;

    @BeforeEach
    void open() {
        index = StreamIndex.open(dir);
    }

    @AfterEach
    void close() {
        index.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {IndexUpdate.SORTED_FROM - 1, 5_000})
    void everyEventOfAGroupIsFoundByStreamRevisionAndId(int events) {
        IndexUpdate update = new IndexUpdate(index, index::stream, 0);
        Random random = new Random(3);
        List<UUID> ids = new ArrayList<>();
        long position = 0;
        for (int i = 0; i < events; i++) {
            String stream = "s-" + random.nextInt(300);
            StreamInfo info = update.stream(stream);
            UUID id = UUID.randomUUID();
            ids.add(id);
            update.event(stream, info == null ? 0 : info.lastRevision() + 1, position += 300, id);
        }
        update.commit(position + 300);

        assertThat(index.checkpoint()).isEqualTo(position + 300);
        long total = 0;
        for (int s = 0; s < 300; s++) {
            StreamInfo info = index.stream("s-" + s);
            if (info == null) {
                continue;
            }
            List<IndexEntry> entries = index.entries(info.id(), 0, Long.MAX_VALUE, Integer.MAX_VALUE, true);
            assertThat(entries).hasSize((int) info.lastRevision() + 1);
            assertThat(entries).extracting(IndexEntry::revision).isSorted();
            for (IndexEntry e : entries) {
                assertThat(index.eventRef(e.id())).isEqualTo(new EventRef(info.id(), e.revision()));
            }
            total += entries.size();
        }
        assertThat(total).isEqualTo(events);
        assertThat(index.countEntries()).isEqualTo(events);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, IndexUpdate.SORTED_FROM})
    void anIdWrittenTwiceInOneGroupStillPointsAtItsFirstWrite(int otherEvents) {
        IndexUpdate update = new IndexUpdate(index, index::stream, 0);
        for (int i = 0; i < otherEvents; i++) {
            update.event("other-" + i, 0, 10_000 + i, UUID.randomUUID());
        }
        UUID twice = UUID.randomUUID();
        // ids around it in byte order, so that sorting moves things
        update.event("b", 0, 100, UUID.randomUUID());
        update.event("b", 1, 200, twice);
        update.event("a", 0, 300, UUID.randomUUID());
        update.event("a", 1, 400, twice);
        update.event("c", 0, 500, UUID.randomUUID());
        update.commit(600);

        EventRef first = new EventRef(index.stream("b").id(), 1);
        assertThat(index.eventRef(twice)).isEqualTo(first);
        assertThat(update.eventRef(twice)).isEqualTo(first);
    }
}
