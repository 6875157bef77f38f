package dev.cairn.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a committed {@link IndexUpdate} leaves in the index, whatever order it writes its keys in:
 * the parameterized cases run with a group below {@link IndexUpdate#SORTED_FROM} (keys in arrival
 * order) and one above it (keys sorted); and how it finds ids in its window of recent ones.
 */
class IndexUpdateTest {

    @TempDir
    Path dir;
    private StreamIndex index;
    /** The ids of the events "in the log", by position: the index keeps positions only. */
    private final Map<Long, UUID> log = new HashMap<>();
    private final LongFunction<UUID> logIds = log::get;

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
        IndexUpdate update = new IndexUpdate(index, index::stream, 0, new RecentIds(events), logIds);
        Random random = new Random(3);
        List<UUID> ids = new ArrayList<>();
        long position = 0;
        for (int i = 0; i < events; i++) {
            String stream = "s-" + random.nextInt(300);
            StreamInfo info = update.stream(stream);
            UUID id = UUID.randomUUID();
            ids.add(id);
            log.put(position += 300, id);
            update.event(stream, info == null ? 0 : info.lastRevision() + 1, position, id);
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
                assertThat(update.revisionOf(log.get(e.position()), "s-" + s, info.id())).isEqualTo(e.revision());
                assertThat(index.entry(info.id(), e.revision())).isEqualTo(e);
            }
            total += entries.size();
        }
        assertThat(total).isEqualTo(events);
        assertThat(index.countEntries()).isEqualTo(events);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, IndexUpdate.SORTED_FROM})
    void anIdWrittenTwiceCountsForTheStreamOfItsFirstWriteOnly(int otherEvents) {
        IndexUpdate update = new IndexUpdate(index, index::stream, 0, new RecentIds(1_000), logIds);
        for (int i = 0; i < otherEvents; i++) {
            update.event("other-" + i, 0, 10_000 + i, UUID.randomUUID());
        }
        UUID twice = UUID.randomUUID();
        event(update, "b", 0, 100, UUID.randomUUID());
        event(update, "b", 1, 200, twice);
        event(update, "a", 0, 300, UUID.randomUUID());
        event(update, "a", 1, 400, twice);
        event(update, "c", 0, 500, UUID.randomUUID());

        long b = update.stream("b").id();
        long a = update.stream("a").id();
        assertThat(update.revisionOf(twice, "b", b)).as("pending").isEqualTo(1);
        assertThat(update.revisionOf(twice, "a", a)).as("pending, not the first write").isEqualTo(-1);

        update.commit(600);
        IndexUpdate next = update.next();
        assertThat(next.revisionOf(twice, "b", b)).as("committed").isEqualTo(1);
        assertThat(next.revisionOf(twice, "a", a)).isEqualTo(-1);
        assertThat(next.revisionOf(UUID.randomUUID(), "b", b)).isEqualTo(-1);
    }

    @Test
    void anIdIsForgottenOnceItsWritesLeaveTheWindow() {
        IndexUpdate update = new IndexUpdate(index, index::stream, 0, new RecentIds(3), logIds);
        UUID id = UUID.randomUUID();
        update.event("s", 0, 100, id);
        update.event("t", 0, 200, UUID.randomUUID());
        update.event("s", 1, 300, id); // a second write of the id, to the same stream
        long s = update.stream("s").id();
        assertThat(update.revisionOf(id, "s", s)).isEqualTo(0);

        update.event("t", 1, 400, UUID.randomUUID()); // the first write leaves the window
        assertThat(update.revisionOf(id, "s", s)).as("the write still in the window").isEqualTo(1);

        update.event("t", 2, 500, UUID.randomUUID());
        update.event("t", 3, 600, UUID.randomUUID());
        assertThat(update.revisionOf(id, "s", s)).isEqualTo(-1);
    }

    private void event(IndexUpdate update, String stream, long revision, long position, UUID id) {
        log.put(position, id);
        update.event(stream, revision, position, id);
    }
}
