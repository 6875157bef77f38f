package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.CairnException;
import dev.cairn.api.EventData;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.fault.FaultyChannels;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failed fdatasync stops the store for writes for good (fail-stop): the append whose sync failed
 * fails, every later write fails with {@link StoreUnavailableException} even if the disk recovers,
 * reads keep working, and after a restart nothing that was acknowledged is missing.
 *
 * <p>Each append is one group and one fdatasync of the current segment (two when it rolls to the
 * next segment), so the force budget picks where the failure hits; with events of 90 KB and 1 MiB
 * segments the log rolls about every 11 appends.
 */
class FailStopTest extends StoreFixture {

    private final FaultyChannels channels = new FaultyChannels();

    @ParameterizedTest(name = "fdatasync fails after {0} successful ones")
    @ValueSource(ints = {0, 1, 3, 10, 11, 12, 24})
    void aFailedSyncStopsWritesKeepsReadsAndLosesNothingAcknowledged(int successfulForces) {
        store.close();
        channels.failForcesAfter(successfulForces);
        CairnOptions faulty = options().channels(channels).build();
        store = Cairn.open(faulty);

        List<EventData> acknowledged = new ArrayList<>();
        EventData failed = null;
        for (int i = 0; i < 40 && failed == null; i++) {
            EventData e = EventData.binary("Big", new byte[90_000]);
            try {
                AppendResult r = store.append(name("s"), StreamState.any(), List.of(e));
                assertThat(r.nextExpectedRevision()).isEqualTo(i);
                acknowledged.add(e);
            } catch (StoreUnavailableException expected) {
                failed = e;
            }
        }
        assertThat(failed).as("the injected failure hit an append").isNotNull();
        Position head = store.headPosition();

        channels.failForcesAfter(1_000);
        List<ThrowingCallable> writes = List.of(
                () -> append("s", StreamState.any(), event()),
                () -> append("other", StreamState.noStream(), event()),
                () -> store.append(List.of(new AppendRequest(name("m"), StreamState.any(), List.of(event())))),
                () -> store.appendRecords(List.of(new AppendRecord(name("r"), event())), List.of()),
                () -> store.delete(name("s"), StreamState.any()),
                () -> store.tombstone(name("s"), StreamState.any()),
                () -> store.setStreamMetadata(name("s"), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(1L)));
        for (ThrowingCallable write : writes) {
            assertThatThrownBy(write).as("sticky: the disk recovering does not restart writes")
                    .isInstanceOf(StoreUnavailableException.class);
        }

        assertThat(store.headPosition()).isEqualTo(head);
        if (acknowledged.isEmpty()) {
            assertThat(readAll()).isEmpty();
        } else {
            assertThat(recordedIds(read("s"))).isEqualTo(ids(acknowledged));
            assertThat(recordedIds(readAll())).isEqualTo(ids(acknowledged));
        }
        assertThat(store.getStreamMetadata(name("s")).metastreamRevision()).isEqualTo(-1);

        reopen();

        List<RecordedEvent> after = acknowledged.isEmpty() && readAll().isEmpty() ? List.of() : read("s");
        assertThat(after.size()).as("every acknowledged event, and at most the unacknowledged append besides")
                .isBetween(acknowledged.size(), acknowledged.size() + 1);
        assertThat(recordedIds(after.subList(0, acknowledged.size()))).as("every acknowledged event survives, in order")
                .isEqualTo(ids(acknowledged));
        if (after.size() > acknowledged.size()) {
            assertThat(after.get(after.size() - 1).id()).isEqualTo(failed.id());
        }
        long last = acknowledged.size() - 1;
        AppendResult retry = store.append(name("s"), last < 0 ? StreamState.noStream() : StreamState.at(last),
                List.of(failed));
        assertThat(retry.nextExpectedRevision()).as("retrying the failed append writes it exactly once")
                .isEqualTo(acknowledged.size());
        assertThat(read("s")).hasSize(acknowledged.size() + 1);
    }

    @ParameterizedTest(name = "fdatasync fails after {0} successful ones")
    @ValueSource(ints = {2})
    void theFailingAppendReportsAFailure(int successfulForces) {
        store.close();
        channels.failForcesAfter(successfulForces);
        store = Cairn.open(options().channels(channels).build());
        append("s", StreamState.noStream(), event());
        append("s", StreamState.at(0), event());

        assertThatThrownBy(() -> append("s", StreamState.at(1), event())).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> append("s", StreamState.at(1), event())).isInstanceOf(StoreUnavailableException.class);
        assertThat(read("s")).hasSize(2);
    }
}
