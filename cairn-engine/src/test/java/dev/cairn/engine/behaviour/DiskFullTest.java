package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendRequest;
import dev.cairn.api.EventData;
import dev.cairn.api.Position;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.fault.FaultyChannels;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full disk: the write of a group fails with ENOSPC after a short write. The append fails with
 * an error that says so, the store stops accepting writes (it cannot know what the short write
 * left), nothing of the failed append is visible before or after a restart, and once there is
 * space again a restarted store continues the streams where the acknowledged appends left them.
 */
class DiskFullTest extends StoreFixture {

    private final FaultyChannels channels = new FaultyChannels();

    @ParameterizedTest(name = "{0} bytes reach the disk before it is full")
    @ValueSource(ints = {0, 1, 37, 300, 2_500})
    void aFullDiskFailsTheAppendClearlyShowsNothingOfItAndWritesContinueAfterARestart(int shortWrite)
            throws java.io.IOException {
        store.close();
        store = Cairn.open(options().channels(channels).build());
        List<EventData> acknowledged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<EventData> batch = events(3);
            append("s", i == 0 ? StreamState.noStream() : StreamState.at(3L * i - 1), batch);
            acknowledged.addAll(batch);
        }
        append("other", StreamState.noStream(), events(1));
        Position head = store.headPosition();

        channels.diskFull(true, shortWrite);
        List<EventData> failed = events(3);
        assertThatThrownBy(() -> append("s", StreamState.at(14), failed))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(FaultyChannels.NO_SPACE);
        assertThat(channels.failedWrites()).isPositive();
        List<EventData> multi = events(2);
        assertThatThrownBy(() -> store.append(List.of(
                new AppendRequest(name("s"), StreamState.at(14), multi.subList(0, 1)),
                new AppendRequest(name("other"), StreamState.at(0), multi.subList(1, 2)))))
                .as("later writes fail at once, naming the cause")
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(FaultyChannels.NO_SPACE);

        assertThat(store.headPosition()).isEqualTo(head);
        assertThat(recordedIds(read("s"))).isEqualTo(ids(acknowledged));
        assertThat(recordedIds(readAll())).doesNotContainAnyElementsOf(ids(failed));

        channels.diskFull(false, 0);
        reopen();

        assertThat(recordedIds(read("s")))
                .as("after the restart: the acknowledged events, nothing of the failed append")
                .isEqualTo(ids(acknowledged));
        List<UUID> all = recordedIds(readAll());
        assertThat(all).doesNotContainAnyElementsOf(ids(failed)).doesNotContainAnyElementsOf(ids(multi));
        assertThat(append("s", StreamState.at(14), failed).nextExpectedRevision())
                .as("the stream continues where the acknowledged appends left it").isEqualTo(17);
        assertThat(read("s")).hasSize(18);
        store.close();
        store = null;
        assertThat(StoreChecker.check(dir).findings()).isEmpty();
    }
}
