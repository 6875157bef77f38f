package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.CairnException;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsistencyCheckException;
import dev.cairn.api.EventData;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations checked against a small in-memory reference model of KurrentDB's rules
 * (H2's TestRandomMapOps): appends with every kind of expected state, AppendRecords with every
 * kind of consistency check, soft deletes, tombstones, metadata changes and restarts, on a few
 * streams; after every step the outcome and every stream's readable events must match the model.
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
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomOperationsMatchTheModel(long seed) {
        Random random = new Random(seed);
        Map<String, Model> models = new HashMap<>();
        STREAMS.forEach(s -> models.put(s, new Model()));

        for (int step = 0; step < 200; step++) {
            String stream = STREAMS.get(random.nextInt(STREAMS.size()));
            Model m = models.get(stream);
            int op = random.nextInt(100);
            String what;
            if (op < 40) {
                what = append(random, stream, m);
            } else if (op < 60) {
                what = appendRecords(random, models);
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

    /**
     * Records for one or two streams, checks on up to two: every failing check (and each tombstoned
     * stream written without one) reported, or everything written, soft-deleted streams undeleted.
     */
    private String appendRecords(Random random, Map<String, Model> models) {
        List<AppendRecord> records = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            records.add(new AppendRecord(name(STREAMS.get(random.nextInt(STREAMS.size()))), events(1).get(0)));
        }
        List<String> shuffled = new ArrayList<>(STREAMS);
        java.util.Collections.shuffle(shuffled, random);
        List<ConsistencyCheck> checks = new ArrayList<>();
        for (String checked : shuffled.subList(0, random.nextInt(3))) {
            Model m = models.get(checked);
            StreamState expected = switch (random.nextInt(6)) {
                case 0 -> StreamState.noStream();
                case 1 -> StreamState.streamExists();
                case 2 -> StreamState.at(Math.max(0, m.last()));
                case 3 -> StreamState.at(m.last() + 1);
                case 4 -> StreamState.deleted();
                default -> StreamState.tombstoned();
            };
            checks.add(new ConsistencyCheck(name(checked), expected));
        }
        Set<String> written = new LinkedHashSet<>();
        records.forEach(r -> written.add(r.stream().value()));
        Set<String> unchecked = new LinkedHashSet<>(written);
        List<ConsistencyCheckException.Failure> failures = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            ConsistencyCheck c = checks.get(i);
            unchecked.remove(c.stream().value());
            StreamState actual = violation(models.get(c.stream().value()), c.expected(), written.contains(c.stream().value()));
            if (actual != null) {
                failures.add(new ConsistencyCheckException.Failure(i, c.stream(), c.expected(), actual));
            }
        }
        int index = checks.size();
        for (String name : unchecked) {
            if (models.get(name).tombstoned) {
                failures.add(new ConsistencyCheckException.Failure(index, name(name), StreamState.any(),
                        StreamState.tombstoned()));
            }
            index++;
        }
        String what = "records " + records.stream().map(r -> r.stream().value()).toList() + " checking " + checks;
        if (!failures.isEmpty()) {
            assertThatThrownBy(() -> store.appendRecords(records, checks)).as(what)
                    .isInstanceOfSatisfying(ConsistencyCheckException.class,
                            e -> assertThat(e.failures()).as(what).isEqualTo(failures));
            return what;
        }
        store.appendRecords(records, checks);
        written.forEach(name -> models.get(name).undeleteIfNeeded());
        records.forEach(r -> models.get(r.stream().value()).events.add(r.event().id()));
        return what;
    }

    /** The model's reading of KurrentDB's table (see {@code ConsistencyCheck}): null when the check holds. */
    private static StreamState violation(Model m, StreamState expected, boolean written) {
        if (m.tombstoned) {
            boolean holds = !written && (expected instanceof StreamState.NoStream || expected instanceof StreamState.Tombstoned);
            return holds ? null : StreamState.tombstoned();
        }
        StreamState actual = StreamState.actual(m.last());
        return switch (expected) {
            case StreamState.NoStream none -> m.last() < 0 || m.softDeleted ? null : actual;
            case StreamState.StreamExists exists -> m.softDeleted ? StreamState.deleted()
                    : m.last() >= 0 || m.metaRevision >= 0 ? null : actual;
            case StreamState.AtRevision at -> at.revision() == m.last() ? null : actual;
            case StreamState.Deleted deleted -> m.softDeleted ? null : actual;
            case StreamState.Tombstoned tombstoned -> actual;
            case StreamState.Any any -> throw new AssertionError("'any' is not a check");
        };
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
