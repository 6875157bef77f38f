package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.EventData;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations checked against a small in-memory reference model of KurrentDB's rules
 * (H2's TestRandomMapOps): appends with every kind of expected state, soft deletes, tombstones,
 * metadata changes and restarts, on a few streams; after every step the outcome and every stream's
 * readable events must match the model.
 */
class RandomOperationsTest extends StoreFixture {

    private static final List<String> STREAMS = List.of("a", "b", "c");

    /** The model of one stream. */
    private static final class Model {
        final List<UUID> events = new ArrayList<>();
        boolean tombstoned;
        boolean softDeleted;
        Long truncateBefore;
        Long maxCount;
        long metaRevision = -1;

        long last() {
            return events.size() - 1;
        }

        List<UUID> visible() {
            long first = 0;
            if (truncateBefore != null) {
                first = Math.max(first, truncateBefore);
            }
            if (maxCount != null) {
                first = Math.max(first, last() - maxCount + 1);
            }
            return first >= events.size() ? List.of() : events.subList((int) first, events.size());
        }

        void undeleteIfNeeded() {
            if (softDeleted) {
                softDeleted = false;
                truncateBefore = last() + 1;
                maxCount = null;
                metaRevision++;
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void randomOperationsMatchTheModel(long seed) {
        Random random = new Random(seed);
        Map<String, Model> models = new HashMap<>();
        STREAMS.forEach(s -> models.put(s, new Model()));

        for (int step = 0; step < 150; step++) {
            String stream = STREAMS.get(random.nextInt(STREAMS.size()));
            Model m = models.get(stream);
            int op = random.nextInt(100);
            String what;
            if (op < 60) {
                what = append(random, stream, m);
            } else if (op < 72) {
                what = "delete " + stream;
                Class<? extends CairnException> failure = m.tombstoned ? StreamDeletedException.class
                        : m.last() < 0 && m.metaRevision < 0 ? WrongExpectedVersionException.class : null;
                outcome(() -> store.delete(name(stream), StreamState.any()), failure, what);
                if (failure == null) {
                    m.softDeleted = true;
                    m.truncateBefore = Long.MAX_VALUE;
                    m.maxCount = null;
                    m.metaRevision++;
                }
            } else if (op < 75) {
                what = "tombstone " + stream;
                Class<? extends CairnException> failure = m.tombstoned ? StreamDeletedException.class : null;
                outcome(() -> store.tombstone(name(stream), StreamState.any()), failure, what);
                m.tombstoned = true;
            } else if (op < 95) {
                long count = 1 + random.nextInt(4);
                what = "maxCount " + count + " on " + stream;
                Class<? extends CairnException> failure = m.tombstoned ? StreamDeletedException.class : null;
                outcome(() -> store.setStreamMetadata(name(stream), StreamState.any(),
                        StreamMetadata.EMPTY.withMaxCount(count)), failure, what);
                if (failure == null) {
                    if (m.softDeleted) {
                        m.softDeleted = false;
                        m.truncateBefore = m.last() + 1;
                        m.metaRevision += 2;
                    } else {
                        m.truncateBefore = null;
                        m.metaRevision++;
                    }
                    m.maxCount = count;
                }
            } else {
                what = "reopen";
                reopen();
            }
            for (String s : STREAMS) {
                check(s, models.get(s), "seed " + seed + ", step " + step + " (" + what + ")");
            }
        }
    }

    private String append(Random random, String stream, Model m) {
        int kind = random.nextInt(6);
        StreamState expected = switch (kind) {
            case 0 -> StreamState.any();
            case 1 -> StreamState.noStream();
            case 2 -> StreamState.streamExists();
            case 3 -> m.last() >= 0 ? StreamState.at(m.last()) : StreamState.noStream();
            case 4 -> StreamState.at(m.last() + 1);
            default -> m.last() >= 1 ? StreamState.at(m.last() - 1) : StreamState.any();
        };
        boolean ok;
        Class<? extends CairnException> failure = null;
        if (m.tombstoned) {
            failure = StreamDeletedException.class;
        } else {
            ok = switch (expected) {
                case StreamState.Any any -> true;
                case StreamState.NoStream none -> m.last() < 0 || m.softDeleted;
                case StreamState.StreamExists exists -> {
                    if (m.softDeleted) {
                        failure = StreamDeletedException.class;
                    }
                    yield m.last() >= 0 || m.metaRevision >= 0;
                }
                case StreamState.AtRevision at -> at.revision() == m.last();
                case StreamState.Deleted deleted -> throw new AssertionError("a check's state, not generated");
                case StreamState.Tombstoned tombstoned -> throw new AssertionError("a check's state, not generated");
            };
            if (failure == null && !ok) {
                failure = WrongExpectedVersionException.class;
            }
        }
        List<EventData> events = events(1 + random.nextInt(3));
        String what = "append " + events.size() + " to " + stream + " expecting " + expected;
        outcome(() -> append(stream, expected, events), failure, what);
        if (failure == null) {
            m.undeleteIfNeeded();
            m.events.addAll(ids(events));
        }
        return what;
    }

    private static void outcome(Runnable call, Class<? extends CairnException> failure, String what) {
        if (failure == null) {
            call.run();
        } else {
            assertThatThrownBy(call::run).as(what).isInstanceOf(failure);
        }
    }

    private void check(String stream, Model m, String when) {
        if (m.tombstoned) {
            assertThatThrownBy(() -> read(stream)).as(when).isInstanceOf(StreamDeletedException.class);
            return;
        }
        if (m.last() < 0 || m.softDeleted) {
            assertThatThrownBy(() -> read(stream)).as(when).isInstanceOf(StreamNotFoundException.class);
        } else {
            assertThat(recordedIds(read(stream))).as(when).isEqualTo(m.visible());
        }
        assertThat(store.getStreamMetadata(name(stream)).metastreamRevision()).as(when).isEqualTo(m.metaRevision);
    }
}
