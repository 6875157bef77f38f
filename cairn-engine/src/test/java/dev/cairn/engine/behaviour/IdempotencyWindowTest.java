package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.StreamState;
import dev.cairn.engine.CairnOptions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retries of {@code any} appends are recognised among the log's last N events (here N = 4), as
 * KurrentDB recognises them among the events in its committed-events cache; a restart reloads the
 * window from the log, so reopening the store between two appends changes no outcome. Retries with
 * an exact expected revision are recognised however old the events are.
 */
class IdempotencyWindowTest extends StoreFixture {

    private static final int WINDOW = 4;

    @Override
    CairnOptions.Builder options() {
        return super.options().idempotencyWindow(WINDOW);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void anAnyRetryInsideTheWindowReturnsTheOriginalResult(boolean reopen) {
        EventData e = event();
        AppendResult original = append("s", StreamState.any(), e);
        append("other", StreamState.any(), events(WINDOW - 1)); // e is now the window's oldest
        maybeReopen(reopen);

        assertThat(append("s", StreamState.any(), e)).isEqualTo(original);
        assertThat(read("s")).hasSize(1);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void anAnyRetryAfterTheWindowMovedOnIsWrittenAgain(boolean reopen) {
        EventData e = event();
        append("s", StreamState.any(), e);
        append("other", StreamState.any(), events(WINDOW - 1));
        maybeReopen(reopen);
        append("other", StreamState.any(), event()); // e leaves the window

        AppendResult again = append("s", StreamState.any(), e);

        assertThat(again.nextExpectedRevision()).isEqualTo(1);
        assertThat(recordedIds(read("s"))).containsExactly(e.id(), e.id());
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void aLaterWriteOfTheIdStillInTheWindowIsFound(boolean reopen) {
        EventData e = event();
        append("s", StreamState.any(), e);
        append("other", StreamState.any(), events(WINDOW));
        AppendResult second = append("s", StreamState.any(), e); // written again: the first left the window
        append("other", StreamState.any(), events(WINDOW - 1));
        maybeReopen(reopen);

        assertThat(append("s", StreamState.any(), e)).isEqualTo(second);
        assertThat(read("s")).hasSize(2);
    }

    @ParameterizedTest(name = "reopen={0}")
    @ValueSource(booleans = {false, true})
    void anExactRevisionRetryIsRecognisedWhateverTheWindow(boolean reopen) {
        List<EventData> batch = events(3);
        AppendResult original = append("s", StreamState.noStream(), batch);
        append("other", StreamState.any(), events(3 * WINDOW));
        maybeReopen(reopen);

        assertThat(append("s", StreamState.noStream(), batch)).isEqualTo(original);
        assertThat(read("s")).hasSize(3);
    }
}
