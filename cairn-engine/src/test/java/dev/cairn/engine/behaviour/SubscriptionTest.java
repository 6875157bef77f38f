package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.streams.EmbeddedEventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Catch-up subscriptions: history then live, without a gap or a duplicate, and how they end. */
class SubscriptionTest extends StoreFixture {

    /** Records what a subscription delivers. */
    static final class Recorder implements SubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final List<Position> checkpoints = new CopyOnWriteArrayList<>();
        final CountDownLatch caughtUp = new CountDownLatch(1);
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        volatile int eventsWhenCaughtUp = -1;

        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            events.add(event);
        }

        @Override
        public void onCaughtUp(Subscription subscription) {
            eventsWhenCaughtUp = events.size();
            caughtUp.countDown();
        }

        @Override
        public void onCheckpoint(Subscription subscription, Position position) {
            checkpoints.add(position);
        }

        @Override
        public void onStopped(Subscription subscription, Throwable error) {
            stopped.complete(error);
        }

        List<RecordedEvent> recorded() {
            return events(events);
        }

        void awaitCaughtUp() throws InterruptedException {
            assertThat(caughtUp.await(10, TimeUnit.SECONDS)).as("caught up").isTrue();
        }

        void awaitEvents(int count) {
            await(() -> events.size() >= count, "events: " + count + ", got " + events.size());
        }
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
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

    @Test
    void streamSubscriptionDeliversHistoryThenCatchesUpThenLiveEvents() throws Exception {
        List<EventData> before = seed("orders", 3);
        append("other", StreamState.any(), events(2));
        Recorder recorder = new Recorder();

        try (Subscription subscription = store.subscribeToStream(name("orders"), SubscribeToStreamOptions.fromStart(),
                recorder)) {
            recorder.awaitCaughtUp();
            assertThat(recorder.eventsWhenCaughtUp).isEqualTo(3);
            List<EventData> after = events(2);
            append("orders", StreamState.at(2), after);
            append("other", StreamState.any(), events(1));
            recorder.awaitEvents(5);
            assertThat(subscription.id()).isNotBlank();
        }

        assertThat(recorder.stopped.get(5, TimeUnit.SECONDS)).as("stopped by the caller: no error").isNull();
        assertThat(revisions(recorder.recorded())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(recordedIds(recorder.recorded()).subList(0, 3)).isEqualTo(ids(before));
    }

    @Test
    void afterARevisionIsExclusiveAndFromEndSeesOnlyNewEvents() throws Exception {
        seed("orders", 5);
        Recorder afterTwo = new Recorder();
        Recorder fromEnd = new Recorder();
        try (Subscription a = store.subscribeToStream(name("orders"), SubscribeToStreamOptions.after(2), afterTwo);
                Subscription b = store.subscribeToStream(name("orders"), SubscribeToStreamOptions.fromEnd(), fromEnd)) {
            afterTwo.awaitCaughtUp();
            fromEnd.awaitCaughtUp();
            append("orders", StreamState.any(), events(1));
            afterTwo.awaitEvents(3);
            fromEnd.awaitEvents(1);
        }
        assertThat(revisions(afterTwo.recorded())).containsExactly(3L, 4L, 5L);
        assertThat(revisions(fromEnd.recorded())).containsExactly(5L);
    }

    @Test
    void aStreamThatDoesNotExistYetIsWaitedFor() throws Exception {
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToStream(name("later"), SubscribeToStreamOptions.fromStart(), recorder)) {
            recorder.awaitCaughtUp();
            assertThat(recorder.events).isEmpty();
            seed("later", 2);
            recorder.awaitEvents(2);
        }
        assertThat(revisions(recorder.recorded())).containsExactly(0L, 1L);
    }

    @Test
    void tombstoningTheStreamEndsItsSubscriptionsWithStreamDeleted() throws Exception {
        seed("doomed", 2);
        Recorder recorder = new Recorder();
        store.subscribeToStream(name("doomed"), SubscribeToStreamOptions.fromStart(), recorder);
        recorder.awaitCaughtUp();

        store.tombstone(name("doomed"), StreamState.any());

        assertThat(recorder.stopped.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamDeletedException.class);
        assertThat(recorder.events).hasSize(2);
        assertThat(((EmbeddedEventStore) store).subscriptionCount()).isZero();
    }

    @Test
    void softDeletedEventsAreNotDeliveredButLaterAppendsAre() throws Exception {
        seed("soft", 3);
        store.delete(name("soft"), StreamState.any());
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToStream(name("soft"), SubscribeToStreamOptions.fromStart(), recorder)) {
            recorder.awaitCaughtUp();
            append("soft", StreamState.any(), events(1));
            recorder.awaitEvents(1);
        }
        assertThat(revisions(recorder.recorded())).containsExactly(3L);
    }

    @Test
    void linksAreResolvedWhenAsked() throws Exception {
        List<EventData> targets = seed("orders", 2);
        append("links", StreamState.noStream(), EventData.link(1, name("orders")));
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToStream(name("links"),
                SubscribeToStreamOptions.fromStart().resolveLinks(true), recorder)) {
            recorder.awaitEvents(1);
        }
        assertThat(recorder.events.get(0).event().id()).isEqualTo(targets.get(1).id());
        assertThat(recorder.events.get(0).link().stream()).isEqualTo(name("links"));
    }

    @Test
    void allSubscriptionDeliversTheWholeLogInOrderThenLive() throws Exception {
        seed("a", 2);
        seed("b", 2);
        List<RecordedEvent> history = readAll();
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToAll(SubscribeToAllOptions.fromStart(), recorder)) {
            recorder.awaitCaughtUp();
            assertThat(recorder.eventsWhenCaughtUp).isEqualTo(history.size());
            append("c", StreamState.any(), events(3));
            recorder.awaitEvents(history.size() + 3);
        }
        assertThat(recorder.recorded()).isEqualTo(readAll());
    }

    @Test
    void allSubscriptionAfterAPositionIsExclusive() throws Exception {
        seed("a", 4);
        List<RecordedEvent> all = readAll();
        Position second = all.get(1).position();
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToAll(SubscribeToAllOptions.after(second), recorder)) {
            recorder.awaitCaughtUp();
        }
        assertThat(recorder.recorded()).isEqualTo(all.subList(2, all.size()));
    }

    @Test
    void allSubscriptionFromEndSeesOnlyNewEvents() throws Exception {
        seed("a", 4);
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToAll(SubscribeToAllOptions.fromEnd(), recorder)) {
            recorder.awaitCaughtUp();
            assertThat(recorder.events).isEmpty();
            append("b", StreamState.any(), events(1));
            recorder.awaitEvents(1);
        }
        assertThat(recorder.recorded()).extracting(RecordedEvent::stream).containsExactly(name("b"));
    }

    @Test
    void filteredAllSubscriptionDeliversMatchesAndCheckpointsEveryIntervalEvenWhenNothingMatches() throws Exception {
        EventFilter typeFilter = new EventFilter(EventFilter.Target.EVENT_TYPE, List.of("Wanted"), null);
        for (int i = 0; i < 10; i++) {
            append("s" + i, StreamState.any(), event("Unwanted"), event("Wanted"), event("Unwanted"));
        }
        Recorder recorder = new Recorder();
        try (Subscription s = store.subscribeToAll(SubscribeToAllOptions.fromStart().filter(typeFilter)
                .checkpointInterval(4), recorder)) {
            recorder.awaitCaughtUp();
            int checkpointsInHistory = recorder.checkpoints.size();
            // live and matching nothing: checkpoints still come, so a consumer's position moves on
            for (int i = 0; i < 8; i++) {
                append("quiet", StreamState.any(), event("Unwanted"));
            }
            await(() -> recorder.checkpoints.size() >= checkpointsInHistory + 2, "live checkpoints");
        }
        assertThat(recorder.recorded()).hasSize(10).allMatch(e -> e.type().value().equals("Wanted"));
        List<RecordedEvent> all = readAll();
        List<Position> positions = all.stream().map(RecordedEvent::position).toList();
        assertThat(recorder.checkpoints).allMatch(positions::contains);
        assertThat(recorder.checkpoints).isSorted();
        // every 4th event looked at (the whole log counts, not only matches)
        assertThat(recorder.checkpoints.get(0)).isEqualTo(all.get(3).position());
    }

    @Test
    void aSlowSubscriberDelaysNeitherWritersNorOtherSubscribers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<ResolvedEvent> slowGot = new CopyOnWriteArrayList<>();
        SubscriptionListener slow = (subscription, event) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slowGot.add(event);
        };
        Recorder fast = new Recorder();
        try (Subscription s1 = store.subscribeToStream(name("busy"), SubscribeToStreamOptions.fromStart(), slow);
                Subscription s2 = store.subscribeToStream(name("busy"), SubscribeToStreamOptions.fromStart(), fast)) {
            for (int i = 0; i < 200; i++) {
                append("busy", StreamState.any(), events(5));
            }
            fast.awaitEvents(1000);
            assertThat(slowGot).hasSizeLessThanOrEqualTo(1);
            release.countDown();
            await(() -> slowGot.size() == 1000, "the slow subscriber catches up");
        }
        assertThat(revisions(events(slowGot))).isEqualTo(IntStream.range(0, 1000).mapToObj(i -> (long) i).toList());
    }

    @Test
    void closingTheStoreEndsSubscriptionsWithUnavailable() throws Exception {
        Recorder recorder = new Recorder();
        store.subscribeToAll(SubscribeToAllOptions.fromStart(), recorder);
        recorder.awaitCaughtUp();
        store.close();
        store = null;
        assertThat(recorder.stopped.get(5, TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aListenerThatThrowsEndsItsSubscriptionWithThatError() throws Exception {
        seed("a", 3);
        CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        IllegalStateException boom = new IllegalStateException("boom");
        store.subscribeToStream(name("a"), SubscribeToStreamOptions.fromStart(), new SubscriptionListener() {
            @Override
            public void onEvent(Subscription subscription, ResolvedEvent event) {
                throw boom;
            }

            @Override
            public void onStopped(Subscription subscription, Throwable error) {
                stopped.complete(error);
            }
        });
        assertThat(stopped.get(5, TimeUnit.SECONDS)).isSameAs(boom);
    }

    /**
     * The switch from history to live, many times over: subscriptions start at random moments
     * while writers append, and each must see exactly every event, in order, once.
     */
    @Test
    void subscriptionsStartedDuringConcurrentAppendsSeeEveryEventExactlyOnceInOrder() throws Exception {
        int writers = 4;
        int appendsPerWriter = 250;
        int total = writers * appendsPerWriter * 2;
        AtomicBoolean failed = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < appendsPerWriter; i++) {
                        append("race", StreamState.any(), events(2));
                    }
                } catch (RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
            }));
        }
        List<Recorder> streamSubs = new ArrayList<>();
        List<Recorder> allSubs = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        // bounded, so that a slow machine (slow writers) does not pile up subscriptions and their events
        while (threads.stream().anyMatch(Thread::isAlive) && streamSubs.size() < 600) {
            Recorder s = new Recorder();
            subscriptions.add(store.subscribeToStream(name("race"), SubscribeToStreamOptions.fromStart(), s));
            streamSubs.add(s);
            Recorder a = new Recorder();
            subscriptions.add(store.subscribeToAll(SubscribeToAllOptions.fromStart(), a));
            allSubs.add(a);
            Thread.sleep(1);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failed).isFalse();
        List<Long> expected = IntStream.range(0, total).mapToObj(i -> (long) i).toList();
        List<RecordedEvent> log = readAll(ReadAllOptions.forwards());
        for (Recorder r : streamSubs) {
            r.awaitEvents(total);
        }
        for (Recorder r : allSubs) {
            r.awaitEvents(log.size());
        }
        Thread.sleep(50); // a duplicate would arrive now
        subscriptions.forEach(Subscription::stop);
        assertThat(streamSubs.size()).as("subscriptions started during the appends").isGreaterThan(20);
        for (Recorder r : streamSubs) {
            assertThat(revisions(r.recorded())).isEqualTo(expected);
        }
        List<UUID> logIds = recordedIds(log);
        for (Recorder r : allSubs) {
            assertThat(recordedIds(r.recorded())).isEqualTo(logIds);
        }
    }

    @Test
    void subscribingToAllAsAStreamIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.subscribeToStream(StreamName.of(StreamName.ALL),
                SubscribeToStreamOptions.fromStart(), new Recorder()))
                .hasMessageContaining("$all");
    }
}
