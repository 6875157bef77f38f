package dev.cairn.engine.behaviour;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temp-dir fixture of the behaviour tests: an embedded store per test, in its own directory,
 * with small segments (so that tests roll segments), a small event size limit and a clock the test
 * moves. Helpers read streams and {@code $all} back as lists.
 */
abstract class StoreFixture {

    static final long SEGMENT_SIZE = 1 << 20;
    static final long MAX_EVENT_SIZE = 100_000;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    EventStore store;

    @BeforeEach
    void openStore() {
        store = Cairn.open(options().build());
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /** The options every store of the test is opened with; tests may add to them. */
    CairnOptions.Builder options() {
        return CairnOptions.builder(dir).segmentSize(SEGMENT_SIZE).maxEventSize(MAX_EVENT_SIZE).clock(clock);
    }

    /** Closes the store and opens it again on the same directory. */
    void reopen() {
        store.close();
        store = null;
        store = Cairn.open(options().build());
    }

    /** {@link #reopen()} when {@code reopen} (tests that run with and without a restart). */
    void maybeReopen(boolean reopen) {
        if (reopen) {
            reopen();
        }
    }

    static StreamName name(String stream) {
        return StreamName.of(stream);
    }

    static EventData event() {
        return EventData.json("TestEvent", "{\"n\":" + COUNTER.incrementAndGet() + "}");
    }

    static EventData event(UUID id) {
        return EventData.json(id, "TestEvent", "{\"n\":" + COUNTER.incrementAndGet() + "}");
    }

    static EventData event(String type) {
        return EventData.json(type, "{\"n\":" + COUNTER.incrementAndGet() + "}");
    }

    static List<EventData> events(int count) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event());
        }
        return events;
    }

    static List<UUID> ids(List<EventData> events) {
        return events.stream().map(EventData::id).toList();
    }

    AppendResult append(String stream, StreamState expected, List<EventData> events) {
        return store.append(name(stream), expected, events);
    }

    AppendResult append(String stream, StreamState expected, EventData... events) {
        return store.append(name(stream), expected, List.of(events));
    }

    /** Writes {@code count} events to a stream that must not exist yet: revisions 0..count-1. */
    List<EventData> seed(String stream, int count) {
        List<EventData> events = events(count);
        append(stream, StreamState.noStream(), events);
        return events;
    }

    List<RecordedEvent> read(String stream) {
        return events(store.readStreamToList(name(stream), ReadStreamOptions.forwards()));
    }

    List<RecordedEvent> readBackwards(String stream) {
        return events(store.readStreamToList(name(stream), ReadStreamOptions.backwards()));
    }

    List<RecordedEvent> read(String stream, ReadStreamOptions options) {
        return events(store.readStreamToList(name(stream), options));
    }

    /** Every record of {@code $all}, forwards, as read (links unresolved). */
    List<RecordedEvent> readAll() {
        return events(store.readAllToList(ReadAllOptions.forwards()));
    }

    List<RecordedEvent> readAll(ReadAllOptions options) {
        return events(store.readAllToList(options));
    }

    static List<RecordedEvent> events(List<ResolvedEvent> resolved) {
        return resolved.stream().map(ResolvedEvent::originalEvent).toList();
    }

    static List<Long> revisions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::revision).toList();
    }

    static List<UUID> recordedIds(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::id).toList();
    }

    /** A clock the test sets and advances. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
