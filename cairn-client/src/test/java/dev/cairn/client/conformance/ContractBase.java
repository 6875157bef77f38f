package dev.cairn.client.conformance;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * What every contract of the conformance suite shares: the store under test (the embedded store,
 * or the client talking to a node), unique stream names, and a recording subscription listener.
 * A contract states how an {@link EventStore} behaves; each runs against both implementations,
 * and any difference between them fails one of the two runs.
 */
abstract class ContractBase {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The store under test; shared by the tests of a run, so tests use their own streams. */
    abstract EventStore store();

    /** A store of the same kind that the test may close (closing it must not affect {@link #store()}). */
    abstract EventStore openAnother();

    /** A stream name no other test uses, starting with {@code prefix}. */
    static StreamName stream(String prefix) {
        return StreamName.of(prefix + "-" + UUID.randomUUID().toString().replace("-", ""));
    }

    static EventData event() {
        return EventData.json("TestEvent", "{\"n\":" + COUNTER.incrementAndGet() + "}");
    }

    static EventData event(String type) {
        return EventData.json(type, "{\"n\":" + COUNTER.incrementAndGet() + "}");
    }

    static List<EventData> events(int count) {
        return IntStream.range(0, count).mapToObj(i -> event()).toList();
    }

    AppendResult append(StreamName stream, StreamState expected, List<EventData> events) {
        return store().append(stream, expected, events);
    }

    List<RecordedEvent> read(StreamName stream) {
        return store().readStreamToList(stream, ReadStreamOptions.forwards()).stream().map(ResolvedEvent::event)
                .toList();
    }

    static List<UUID> ids(List<EventData> events) {
        return events.stream().map(EventData::id).toList();
    }

    static List<UUID> recordedIds(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::id).toList();
    }

    static List<Long> revisions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::revision).toList();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Records what a subscription delivers, and checks that every call comes from one thread. */
    static final class Recorder implements SubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final List<Position> checkpoints = new CopyOnWriteArrayList<>();
        final CountDownLatch caughtUp = new CountDownLatch(1);
        final AtomicInteger caughtUpCalls = new AtomicInteger();
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        final AtomicInteger stoppedCalls = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile int eventsWhenCaughtUp = -1;

        @Override
        public void onEvent(Subscription s, ResolvedEvent event) {
            note();
            events.add(event);
        }

        @Override
        public void onCaughtUp(Subscription s) {
            note();
            eventsWhenCaughtUp = events.size();
            caughtUpCalls.incrementAndGet();
            caughtUp.countDown();
        }

        @Override
        public void onCheckpoint(Subscription s, Position position) {
            note();
            checkpoints.add(position);
        }

        @Override
        public void onStopped(Subscription s, Throwable error) {
            note();
            stoppedCalls.incrementAndGet();
            stopped.complete(error);
        }

        private void note() {
            String name = Thread.currentThread().getName();
            if (!threads.contains(name)) {
                threads.add(name);
            }
        }

        void awaitCaughtUp() throws InterruptedException {
            if (!caughtUp.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("subscription did not catch up");
            }
        }

        void awaitEvents(int count) {
            await(count + " events (have " + events.size() + ")", () -> events.size() >= count);
        }

        Throwable awaitStopped() throws Exception {
            return stopped.get(20, TimeUnit.SECONDS);
        }

        List<RecordedEvent> recorded() {
            List<RecordedEvent> out = new ArrayList<>();
            for (ResolvedEvent e : events) {
                out.add(e.event());
            }
            return out;
        }
    }
}
