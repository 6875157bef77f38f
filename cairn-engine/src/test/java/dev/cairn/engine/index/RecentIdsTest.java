package dev.cairn.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** {@link RecentIds} against a plain list of every write: the oldest write of an id among the last N. */
class RecentIdsTest {

    @Property(tries = 300)
    void findsTheOldestWriteOfAnIdAmongTheLastCapacityWrites(
            @ForAll @IntRange(min = 1, max = 40) int capacity,
            @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 30) Integer> writes) {
        // few distinct ids, so that ids recur inside and across the window and chains collide
        writeAndAsk(capacity, writes, 1, 30, 1);
    }

    @Property(tries = 200)
    void findsTheSameWhenManyWritesComeBetweenLookups(
            @ForAll @IntRange(min = 1, max = 300) int capacity,
            @ForAll @Size(max = 1_500) List<@IntRange(min = 0, max = 200) Integer> writes,
            @ForAll @IntRange(min = 1, max = 3 * RecentIds.STAGE) int lookupEvery) {
        // records wait to be linked into their buckets in batches (RecentIds.STAGE): lookups after
        // fewer, exactly as many and more writes than a batch, in windows smaller and larger than one
        writeAndAsk(capacity, writes, lookupEvery, 200, 7);
    }

    /**
     * Writes {@code id(w)} for each of {@code writes}, write i to stream i % 3 at revision i. After
     * every {@code lookupEvery}-th write and after the last, asks for the ids 0, {@code idStep},
     * 2 {@code idStep} .. {@code maxId} and for the id just written, on each stream, what the
     * model answers.
     */
    private static void writeAndAsk(int capacity, List<Integer> writes, int lookupEvery, int maxId, int idStep) {
        RecentIds ids = new RecentIds(capacity);
        List<UUID> written = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            UUID id = id(writes.get(i));
            ids.add(id, i % 3, i);
            written.add(id);
            if ((i + 1) % lookupEvery != 0 && i != writes.size() - 1) {
                continue;
            }
            List<Integer> asked = new ArrayList<>();
            for (int k = 0; k <= maxId; k += idStep) {
                asked.add(k);
            }
            asked.add(writes.get(i));
            for (int k : asked) {
                for (int stream = 0; stream < 3; stream++) {
                    assertThat(ids.firstRevision(id(k), stream)).as("id %d, stream %d, after %d writes", k, stream, i + 1)
                            .isEqualTo(expected(written, capacity, id(k), stream));
                }
            }
        }
    }

    /**
     * The model: the index of the oldest write of {@code id} among the last {@code capacity} if it
     * went to {@code stream}, else -1.
     */
    private static long expected(List<UUID> written, int capacity, UUID id, int stream) {
        for (int i = Math.max(0, written.size() - capacity); i < written.size(); i++) {
            if (written.get(i).equals(id)) {
                return i % 3 == stream ? i : -1;
            }
        }
        return -1;
    }

    private static UUID id(int k) {
        // the same low bits for all, so the hash must use both halves
        return new UUID(k * 0x1000_0000_0001L, 42);
    }

    @Test
    void aWindowOfOneHoldsTheLastWriteOnly() {
        RecentIds ids = new RecentIds(1);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        ids.add(a, 1, 7);
        assertThat(ids.firstRevision(a, 1)).isEqualTo(7);
        assertThat(ids.firstRevision(a, 2)).isEqualTo(-1);
        ids.add(b, 1, 8);
        assertThat(ids.firstRevision(a, 1)).isEqualTo(-1);
        assertThat(ids.firstRevision(b, 1)).isEqualTo(8);
    }

    @Test
    void anEmptyWindowIsRefused() {
        assertThatThrownBy(() -> new RecentIds(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one event");
    }
}
