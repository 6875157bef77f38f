package dev.cairn.engine.persistent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventType;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where and when a group checkpoints, as KurrentDB decides it. */
class CheckpointTrackerTest {

    static ResolvedEvent event(long revision) {
        return ResolvedEvent.of(new RecordedEvent(StreamName.of("s"), revision, UUID.randomUUID(), EventType.of("E"),
                ContentType.JSON, new byte[0], new byte[0], Instant.EPOCH, Position.of(revision, revision)));
    }

    static PersistentSubscriptionSettings settings(int min, int max, long afterMs) {
        return PersistentSubscriptionSettings.defaults().checkpointCounts(min, max)
                .checkpointAfter(Duration.ofMillis(afterMs));
    }

    static List<Message> read(CheckpointTracker t, int count) {
        List<Message> read = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            read.add(t.read(event(i), new SourcePosition.Revision(i)));
        }
        return read;
    }

    @Test
    void theCheckpointIsJustBeforeTheOldestUnhandledEvent() {
        CheckpointTracker t = new CheckpointTracker(settings(1, 1, 0), null);
        List<Message> m = read(t, 5);
        t.handled(m.get(0));
        t.handled(m.get(1));
        t.handled(m.get(3));
        assertThat(t.due(0, false, false)).isEqualTo(new CheckpointTracker.Due(1, new SourcePosition.Revision(1)));

        t.handled(m.get(2));
        t.handled(m.get(4));
        assertThat(t.due(0, false, false)).isEqualTo(new CheckpointTracker.Due(4, new SourcePosition.Revision(4)));
    }

    @Test
    void nothingIsDueUntilTheFirstEventIsHandled() {
        CheckpointTracker t = new CheckpointTracker(settings(1, 1, 0), null);
        read(t, 3);
        assertThat(t.due(0, true, true)).isNull();
    }

    @Test
    void resumingAfterACheckpointCountsFromIt() {
        CheckpointTracker t = new CheckpointTracker(settings(1, 1, 0), new SourcePosition.Revision(9));
        Message first = t.read(event(10), new SourcePosition.Revision(10));
        assertThat(first.previous).isEqualTo(new SourcePosition.Revision(9));
        assertThat(t.due(0, false, true)).as("the loaded checkpoint is not written again").isNull();
        t.handled(first);
        assertThat(t.due(0, false, false)).isEqualTo(new CheckpointTracker.Due(1, new SourcePosition.Revision(10)));
    }

    @ParameterizedTest(name = "handled {0}, tick {1}, {2} ms after the last write: due {3}")
    @CsvSource({
            // min 10, max 100, every 1000 ms
            "5, true, 5000, false",    // time passed but fewer than min
            "10, false, 5000, false",  // min reached and time passed, but only the timer writes by time
            "10, true, 5000, true",
            "10, true, 500, false",    // min reached, not time yet
            "100, false, 0, true",     // max reached: at once
            "99, true, 999, false",
    })
    void countsAndTimeDecide(int handled, boolean tick, long sinceLastWrite, boolean due) {
        CheckpointTracker t = new CheckpointTracker(settings(10, 100, 1000), null);
        List<Message> m = read(t, 1);
        t.handled(m.get(0));
        t.writing(t.due(0, false, true), 0);
        t.written(new CheckpointTracker.Due(0, new SourcePosition.Revision(0)), true, -1);
        for (Message message : read(t, handled)) {
            t.handled(message);
        }
        assertThat(t.due(sinceLastWrite, tick, false) != null).isEqualTo(due);
    }

    @Test
    void oneWriteAtATimeAndAFailedOneIsTriedAgain() {
        CheckpointTracker t = new CheckpointTracker(settings(1, 1, 0), null);
        List<Message> m = read(t, 2);
        t.handled(m.get(0));
        CheckpointTracker.Due first = t.due(0, false, false);
        t.writing(first, 0);
        t.handled(m.get(1));
        assertThat(t.due(0, false, false)).isNull();
        t.written(first, false, -1);
        assertThat(t.checkpointed()).isNull();
        assertThat(t.due(0, false, false)).isEqualTo(new CheckpointTracker.Due(1, new SourcePosition.Revision(1)));
    }

    @Test
    void eventsPassedOverByTheFilterMoveTheCheckpoint() {
        CheckpointTracker t = new CheckpointTracker(settings(5, 5, 0), null);
        t.skipped(new SourcePosition.LogPosition(500, 500), 5);
        assertThat(t.due(0, false, false)).isEqualTo(new CheckpointTracker.Due(4, new SourcePosition.LogPosition(500, 500)));
    }
}
