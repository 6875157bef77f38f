package dev.cairn.engine.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import java.time.Duration;
import java.util.List;

/** What projections wrote, as tests wait for it: they write behind the appends that cause it. */
final class WrittenStreams {

    private WrittenStreams() {
    }

    /**
     * Waits up to {@code patience} until the stream holds {@code count} events, then a moment more
     * to see that no extra one comes, and asserts the count.
     */
    static List<RecordedEvent> awaitEvents(EventStore store, String stream, int count, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        List<RecordedEvent> events = events(store, stream);
        while (events.size() < count && System.nanoTime() < deadline) {
            sleep(20);
            events = events(store, stream);
        }
        sleep(200);
        events = events(store, stream);
        assertThat(events).as(stream).hasSize(count);
        return events;
    }

    /** The stream's events as written (links unresolved); none when it does not exist. */
    static List<RecordedEvent> events(EventStore store, String stream) {
        try {
            return store.readStreamToList(StreamName.of(stream), ReadStreamOptions.forwards()).stream()
                    .map(ResolvedEvent::originalEvent).toList();
        } catch (StreamNotFoundException absent) {
            return List.of();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
