package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Catch-up subscriptions: history then live, in order, each event once; starts, filters and ends. */
abstract class SubscriptionContract extends ContractBase {

    @Test
    void aStreamSubscriptionDeliversHistoryThenCatchesUpThenLiveEventsOnOneThread() throws Exception {
        StreamName s = stream("sub");
        List<EventData> before = events(3);
        append(s, StreamState.noStream(), before);
        Recorder recorder = new Recorder();
        try (Subscription sub = store().subscribeToStream(s, SubscribeToStreamOptions.fromStart(), recorder)) {
            recorder.awaitCaughtUp();
            assertThat(recorder.eventsWhenCaughtUp).isEqualTo(3);
            append(s, StreamState.at(2), events(2));
            append(stream("other"), StreamState.any(), events(1));
            recorder.awaitEvents(5);
            assertThat(sub.id()).isNotBlank();
        }
        assertThat(recorder.awaitStopped()).as("stopped by the caller: no error").isNull();
        assertThat(revisions(recorder.recorded())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(recordedIds(recorder.recorded()).subList(0, 3)).isEqualTo(ids(before));
        assertThat(recorder.caughtUpCalls).hasValue(1);
        assertThat(recorder.stoppedCalls).hasValue(1);
        assertThat(recorder.threads).hasSize(1);
    }

    @Test
    void afterARevisionIsExclusiveAndFromEndDeliversOnlyNewEvents() throws Exception {
        StreamName s = stream("subafter");
        append(s, StreamState.noStream(), events(5));
        Recorder afterTwo = new Recorder();
        Recorder fromEnd = new Recorder();
        try (Subscription a = store().subscribeToStream(s, SubscribeToStreamOptions.after(2), afterTwo);
                Subscription b = store().subscribeToStream(s, SubscribeToStreamOptions.fromEnd(), fromEnd)) {
            afterTwo.awaitCaughtUp();
            fromEnd.awaitCaughtUp();
            append(s, StreamState.any(), events(1));
            afterTwo.awaitEvents(3);
            fromEnd.awaitEvents(1);
        }
        assertThat(revisions(afterTwo.recorded())).containsExactly(3L, 4L, 5L);
        assertThat(revisions(fromEnd.recorded())).containsExactly(5L);
    }

    @Test
    void aStreamThatDoesNotExistYetIsWaitedFor() throws Exception {
        StreamName s = stream("later");
        Recorder recorder = new Recorder();
        try (Subscription sub = store().subscribeToStream(s, SubscribeToStreamOptions.fromStart(), recorder)) {
            recorder.awaitCaughtUp();
            assertThat(recorder.events).isEmpty();
            append(s, StreamState.noStream(), events(2));
            recorder.awaitEvents(2);
        }
        assertThat(revisions(recorder.recorded())).containsExactly(0L, 1L);
    }

    @Test
    void tombstoningTheStreamEndsItsSubscriptionWithStreamDeleted() throws Exception {
        StreamName s = stream("doomed");
        append(s, StreamState.noStream(), events(2));
        Recorder recorder = new Recorder();
        store().subscribeToStream(s, SubscribeToStreamOptions.fromStart(), recorder);
        recorder.awaitCaughtUp();

        store().tombstone(s, StreamState.any());

        assertThat(recorder.awaitStopped()).isInstanceOfSatisfying(StreamDeletedException.class,
                e -> assertThat(e.stream()).isEqualTo(s));
        assertThat(recorder.events).hasSize(2);
    }

    @Test
    void whatTheListenerThrowsEndsTheSubscription() throws Exception {
        StreamName s = stream("throws");
        append(s, StreamState.noStream(), events(3));
        IllegalStateException boom = new IllegalStateException("boom");
        Recorder recorder = new Recorder();
        SubscriptionListener failing = new SubscriptionListener() {
            @Override
            public void onEvent(Subscription sub, ResolvedEvent event) {
                recorder.onEvent(sub, event);
                if (event.event().revision() == 1) {
                    throw boom;
                }
            }

            @Override
            public void onStopped(Subscription sub, Throwable error) {
                recorder.onStopped(sub, error);
            }
        };
        store().subscribeToStream(s, SubscribeToStreamOptions.fromStart(), failing);
        assertThat(recorder.awaitStopped()).isSameAs(boom);
        assertThat(recorder.events).hasSize(2);
    }

    @Test
    void aBlockedListenerHoldsBackOnlyItsOwnSubscriptionAndStopWaitsForNothing() throws Exception {
        StreamName s = stream("slow");
        append(s, StreamState.noStream(), events(50));
        CountDownLatch release = new CountDownLatch(1);
        Recorder slow = new Recorder();
        SubscriptionListener blocking = new SubscriptionListener() {
            @Override
            public void onEvent(Subscription sub, ResolvedEvent event) {
                slow.onEvent(sub, event);
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onStopped(Subscription sub, Throwable error) {
                slow.onStopped(sub, error);
            }
        };
        Subscription blocked = store().subscribeToStream(s, SubscribeToStreamOptions.fromStart(), blocking);
        Recorder fast = new Recorder();
        try (Subscription other = store().subscribeToStream(s, SubscribeToStreamOptions.fromStart(), fast)) {
            fast.awaitEvents(50);
            // the blocked subscription's thread may not have delivered its first event yet: wait for
            // it, then it must stay at one while its listener blocks
            slow.awaitEvents(1);
            assertThat(slow.events).hasSize(1);
        }
        blocked.stop();
        release.countDown();
        assertThat(slow.awaitStopped()).isNull();
        assertThat(slow.events).as("nothing is delivered after stop() once the listener returns").hasSize(1);
    }

    @Test
    void anAllSubscriptionDeliversEveryMatchingEventInOrderWithCheckpoints() throws Exception {
        String prefix = "suball" + System.nanoTime();
        StreamName a = StreamName.of(prefix + "-a");
        append(a, StreamState.noStream(), events(3));
        Recorder recorder = new Recorder();
        try (Subscription sub = store().subscribeToAll(SubscribeToAllOptions.fromStart()
                .filter(EventFilter.streamNamePrefix(prefix)).checkpointInterval(1), recorder)) {
            recorder.awaitCaughtUp();
            append(StreamName.of(prefix + "-b"), StreamState.noStream(), events(2));
            append(stream("unrelated"), StreamState.any(), events(4));
            recorder.awaitEvents(5);
            await("a checkpoint past the unrelated events", () -> !recorder.checkpoints.isEmpty()
                    && recorder.checkpoints.get(recorder.checkpoints.size() - 1)
                            .compareTo(recorder.events.get(4).position()) > 0);
        }
        List<ResolvedEvent> expected = store().readAllToList(ReadAllOptions.forwards()
                .filter(EventFilter.streamNamePrefix(prefix)));
        assertThat(recorder.recorded()).isEqualTo(expected.stream().map(ResolvedEvent::event).toList());
        for (int i = 1; i < recorder.checkpoints.size(); i++) {
            assertThat(recorder.checkpoints.get(i)).isGreaterThanOrEqualTo(recorder.checkpoints.get(i - 1));
        }
    }

    @Test
    void anAllSubscriptionAfterAPositionIsExclusiveAndFromEndSeesOnlyNewEvents() throws Exception {
        String prefix = "suballafter" + System.nanoTime();
        StreamName s = StreamName.of(prefix + "-x");
        append(s, StreamState.noStream(), events(4));
        List<ResolvedEvent> history = store().readAllToList(ReadAllOptions.forwards()
                .filter(EventFilter.streamNamePrefix(prefix)));
        Position second = history.get(1).position();
        Recorder after = new Recorder();
        Recorder fromEnd = new Recorder();
        EventFilter mine = EventFilter.streamNamePrefix(prefix);
        try (Subscription x = store().subscribeToAll(SubscribeToAllOptions.after(second).filter(mine), after);
                Subscription y = store().subscribeToAll(SubscribeToAllOptions.fromEnd().filter(mine), fromEnd)) {
            after.awaitCaughtUp();
            fromEnd.awaitCaughtUp();
            append(s, StreamState.at(3), events(1));
            after.awaitEvents(3);
            fromEnd.awaitEvents(1);
        }
        assertThat(revisions(after.recorded())).containsExactly(2L, 3L, 4L);
        assertThat(revisions(fromEnd.recorded())).containsExactly(4L);
    }

    @Test
    void closingTheStoreEndsItsSubscriptionsWithStoreUnavailable() throws Exception {
        EventStore other = openAnother();
        Recorder recorder = new Recorder();
        other.subscribeToStream(stream("closing"), SubscribeToStreamOptions.fromStart(), recorder);
        recorder.awaitCaughtUp();
        other.close();
        assertThat(recorder.awaitStopped()).isInstanceOf(StoreUnavailableException.class);
        assertThat(recorder.stoppedCalls).hasValue(1);
    }
}
