package dev.cairn.engine.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.ConsumerStrategy;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.NackAction;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Persistent subscriptions of the embedded store: management, delivery with acks and nacks,
 * retries, parking and replay, message timeouts, strategies, checkpoints and resuming after a
 * restart. Timeouts run on the fixture's clock, which the tests move.
 */
class PersistentSubscriptionTest extends StoreFixture {

    static final StreamName ALL = StreamName.of(StreamName.ALL);

    /** Small, fast settings: from the start, checkpoint after every handled event. */
    static PersistentSubscriptionSettings fast() {
        return PersistentSubscriptionSettings.defaults().startFrom(StartFrom.start()).checkpointCounts(1, 1)
                .maxRetryCount(2).messageTimeout(Duration.ofSeconds(5));
    }

    PersistentSubscriptions ps() {
        return store.persistentSubscriptions();
    }

    /** One delivery: the event and its retry count. */
    record Delivery(ResolvedEvent event, int retryCount) {
        UUID id() {
            return event.originalEvent().id();
        }
    }

    /** Records deliveries; reacts to each with {@code onEach} (ack, nack, nothing). */
    static final class Recorder implements PersistentSubscriptionListener {
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        volatile BiConsumer<PersistentSubscription, Delivery> onEach;

        Recorder(BiConsumer<PersistentSubscription, Delivery> onEach) {
            this.onEach = onEach;
        }

        static Recorder acking() {
            return new Recorder((s, d) -> s.ack(d.event()));
        }

        static Recorder holding() {
            return new Recorder((s, d) -> { });
        }

        @Override
        public void onEvent(PersistentSubscription subscription, ResolvedEvent event, int retryCount) {
            Delivery d = new Delivery(event, retryCount);
            deliveries.add(d);
            onEach.accept(subscription, d);
        }

        @Override
        public void onStopped(PersistentSubscription subscription, Throwable error) {
            stopped.complete(error);
        }

        void await(int count) {
            SubscriptionTest.await(() -> deliveries.size() >= count, count + " deliveries, got " + deliveries.size());
        }

        List<Long> revisions() {
            return deliveries.stream().map(d -> d.event().originalEvent().revision()).toList();
        }

        List<Integer> retryCounts() {
            return deliveries.stream().map(Delivery::retryCount).toList();
        }
    }

    PersistentSubscription subscribe(String stream, String group, int buffer, Recorder recorder) {
        return ps().subscribe(name(stream), group, ConsumerOptions.bufferSize(buffer), recorder);
    }

    PersistentSubscriptionInfo info(String stream, String group) {
        return ps().getInfo(name(stream), group).orElseThrow();
    }

    List<RecordedEvent> readOrEmpty(String stream) {
        try {
            return read(stream);
        } catch (StreamNotFoundException e) {
            return List.of();
        }
    }

    static void await(BooleanSupplier condition, String what) {
        SubscriptionTest.await(condition, what);
    }

    /** Waits past a timer tick, so that timeouts and timed checkpoints are looked at. */
    static void tick() throws InterruptedException {
        Thread.sleep(250);
    }

    // ---- management ----

    @Test
    void groupsAreCreatedListedUpdatedAndDeletedAndTheirSettingsSurviveARestart() {
        PersistentSubscriptionSettings settings = fast().consumerStrategy(ConsumerStrategy.PINNED);
        ps().createToStream(name("orders"), "g1", settings);
        ps().createToStream(name("orders"), "g2", PersistentSubscriptionSettings.defaults());
        ps().createToAll("everything", PersistentSubscriptionSettings.defaults().startFrom(StartFrom.start()),
                EventFilter.eventTypePrefix("Order"));

        assertThatThrownBy(() -> ps().createToStream(name("orders"), "g1", settings))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_EXISTS));
        assertThat(ps().list()).extracting(i -> i.source().value() + "::" + i.group())
                .containsExactly("$all::everything", "orders::g1", "orders::g2");
        assertThat(ps().list(name("orders"))).hasSize(2);
        assertThatThrownBy(() -> ps().list(name("nothing-here")))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND));

        ps().update(name("orders"), "g2", PersistentSubscriptionSettings.defaults().maxRetryCount(3));
        ps().delete(name("orders"), "g1");
        assertThatThrownBy(() -> ps().delete(name("orders"), "g1"))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND));
        assertThat(ps().getInfo(name("orders"), "g1")).isEmpty();

        reopen();

        assertThat(ps().list()).extracting(PersistentSubscriptionInfo::group).containsExactly("everything", "g2");
        assertThat(info("orders", "g2").settings().maxRetryCount()).isEqualTo(3);
        PersistentSubscriptionInfo all = ps().getInfo(ALL, "everything").orElseThrow();
        assertThat(all.filter()).isEqualTo(EventFilter.eventTypePrefix("Order"));
        assertThat(all.settings().startFrom()).isEqualTo(StartFrom.start());
    }

    @Test
    void settingsAreStoredAsKurrentDbStoresThem() {
        ps().createToStream(name("orders"), "g", fast().consumerStrategy(ConsumerStrategy.DISPATCH_TO_SINGLE));

        RecordedEvent config = read("$persistentSubscriptionConfig").getLast();
        assertThat(config.type().value()).isEqualTo("$PersistentConfig");
        assertThat(config.dataAsString()).contains("\"version\" : \"2\"", "\"stream\" : \"orders\"",
                "\"group\" : \"g\"", "\"namedConsumerStrategy\" : \"DispatchToSingle\"", "\"startPosition\" : \"0\"",
                "\"messageTimeout\" : 5000");
        assertThat(store.getStreamMetadata(name("$persistentSubscriptionConfig")).metadata().maxCount()).isEqualTo(2L);
    }

    @Test
    void aStartPositionPastTheEndOfAllIsRefused() {
        var past = dev.cairn.api.Position.of(store.headPosition().commit() + 1000, 0);
        assertThatThrownBy(() -> ps().createToAll("g", fast().startFrom(StartFrom.position(past)), null))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_FAILED));
        assertThat(ps().getInfo(ALL, "g")).isEmpty();
    }

    @Test
    void subscribingToAGroupThatDoesNotExistFails() {
        assertThatThrownBy(() -> subscribe("orders", "none", 10, Recorder.acking()))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND));
    }

    @Test
    void aGroupTakesNoMoreThanItsMaximumOfConsumers() {
        ps().createToStream(name("orders"), "g", fast().maxSubscriberCount(1));
        subscribe("orders", "g", 10, Recorder.acking());
        assertThatThrownBy(() -> subscribe("orders", "g", 10, Recorder.acking()))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MAXIMUM_SUBSCRIBERS_REACHED));
    }

    @Test
    void updatingAGroupDropsItsConsumersAndDeletingItRemovesItsStreams() throws Exception {
        seed("orders", 3);
        ps().createToStream(name("orders"), "g", fast());
        Recorder first = Recorder.acking();
        subscribe("orders", "g", 10, first);
        first.await(3);
        await(() -> !readOrEmpty("$persistentsubscription-orders::g-checkpoint").isEmpty(), "a checkpoint");

        ps().update(name("orders"), "g", fast().maxRetryCount(5));
        assertThat(first.stopped.get(5, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_DROPPED));

        Recorder second = Recorder.acking();
        subscribe("orders", "g", 10, second);
        ps().delete(name("orders"), "g");
        assertThat(second.stopped.get(5, TimeUnit.SECONDS)).isInstanceOf(PersistentSubscriptionException.class);
        await(() -> readOrEmpty("$persistentsubscription-orders::g-checkpoint").isEmpty(),
                "the checkpoint stream deleted");
        assertThat(second.deliveries).as("the update resumed after the checkpoint").isEmpty();
    }

    // ---- delivery ----

    @Test
    void everyEventIsDeliveredOnceWhenAcknowledgedHistoryThenLive() throws Exception {
        List<EventData> history = seed("orders", 5);
        ps().createToStream(name("orders"), "g", fast());
        Recorder recorder = Recorder.acking();
        PersistentSubscription consumer = subscribe("orders", "g", 3, recorder);
        recorder.await(5);
        append("orders", StreamState.any(), events(2));
        recorder.await(7);

        assertThat(consumer.id()).isEqualTo("orders::g");
        assertThat(recorder.revisions()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(recorder.retryCounts()).containsOnly(0);
        assertThat(recorder.deliveries.subList(0, 5)).extracting(Delivery::id).isEqualTo(ids(history));
        await(() -> info("orders", "g").lastCheckpointedEventPosition().equals("6"), "checkpoint at 6");
        PersistentSubscriptionInfo info = info("orders", "g");
        assertThat(info.status()).isEqualTo("Live");
        assertThat(info.totalItems()).isEqualTo(7);
        assertThat(info.lastKnownEventPosition()).isEqualTo("6");
        assertThat(info.connections()).singleElement().satisfies(c -> {
            assertThat(c.availableSlots()).isEqualTo(3);
            assertThat(c.totalItems()).isEqualTo(7);
        });
        RecordedEvent checkpoint = read("$persistentsubscription-orders::g-checkpoint").getLast();
        assertThat(checkpoint.type().value()).isEqualTo("$SubscriptionCheckpoint");
        assertThat(checkpoint.dataAsString()).isEqualTo("\"6\"");

        consumer.stop();
        assertThat(recorder.stopped.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void startFromARevisionOrTheEnd() {
        seed("orders", 4);
        ps().createToStream(name("orders"), "from2", fast().startFrom(StartFrom.revision(2)));
        ps().createToStream(name("orders"), "fromEnd", fast().startFrom(StartFrom.end()));
        Recorder from2 = Recorder.acking();
        Recorder fromEnd = Recorder.acking();
        subscribe("orders", "from2", 10, from2);
        subscribe("orders", "fromEnd", 10, fromEnd);
        from2.await(2);
        append("orders", StreamState.any(), events(1));
        from2.await(3);
        fromEnd.await(1);
        assertThat(from2.revisions()).containsExactly(2L, 3L, 4L);
        assertThat(fromEnd.revisions()).containsExactly(4L);
    }

    @Test
    void aConsumerNeverHasMoreThanItsBufferSizeInFlight() throws Exception {
        seed("orders", 10);
        ps().createToStream(name("orders"), "g", fast());
        Recorder recorder = Recorder.holding();
        PersistentSubscription consumer = subscribe("orders", "g", 4, recorder);
        recorder.await(4);
        tick();
        assertThat(recorder.deliveries).hasSize(4);
        PersistentSubscriptionInfo info = info("orders", "g");
        assertThat(info.totalInFlightMessages()).isEqualTo(4);
        assertThat(info.connections().getFirst().availableSlots()).isZero();

        consumer.ack(recorder.deliveries.get(0).event());
        recorder.await(5);
        tick();
        assertThat(recorder.deliveries).hasSize(5);
    }

    @Test
    void nackRetryRedeliversWithTheRetryCountThenParksAfterTheMaximum() throws Exception {
        seed("orders", 1);
        ps().createToStream(name("orders"), "g", fast().maxRetryCount(2));
        Recorder recorder = new Recorder((s, d) -> s.nack(NackAction.RETRY, "not now", d.event()));
        subscribe("orders", "g", 10, recorder);
        recorder.await(3);
        await(() -> info("orders", "g").parkedMessageCount() == 1, "one parked message");

        assertThat(recorder.retryCounts()).containsExactly(0, 1, 2);
        List<RecordedEvent> parked = read("$persistentsubscription-orders::g-parked");
        assertThat(parked).singleElement().satisfies(link -> {
            assertThat(link.type().value()).isEqualTo("$>");
            assertThat(link.dataAsString()).isEqualTo("0@orders");
            assertThat(new String(link.metadata(), StandardCharsets.UTF_8)).contains("Reached retry count of 2");
        });
        // the parked event counts as handled: the group checkpoints past it
        await(() -> info("orders", "g").lastCheckpointedEventPosition().equals("0"), "checkpoint past the parked event");
        tick();
        assertThat(recorder.deliveries).hasSize(3);
    }

    @Test
    void nackParkParksAtOnceAndReplayDeliversParkedEventsAgain() throws Exception {
        List<EventData> events = seed("orders", 3);
        ps().createToStream(name("orders"), "g", fast());
        Recorder recorder = new Recorder((s, d) -> {
            if (d.event().link() == null && d.event().originalEvent().revision() == 1) {
                s.nack(NackAction.PARK, "bad", d.event());
            } else {
                s.ack(d.event());
            }
        });
        subscribe("orders", "g", 10, recorder);
        recorder.await(3);
        await(() -> info("orders", "g").parkedMessageCount() == 1, "one parked message");
        assertThat(new String(read("$persistentsubscription-orders::g-parked").getFirst().metadata(),
                StandardCharsets.UTF_8)).contains("Client explicitly NAK'ed message.\\nbad");

        ps().replayParked(name("orders"), "g", null);
        recorder.await(4);
        Delivery replayed = recorder.deliveries.get(3);
        assertThat(replayed.event().event().id()).isEqualTo(events.get(1).id());
        assertThat(replayed.event().link().stream().value()).isEqualTo("$persistentsubscription-orders::g-parked");
        assertThat(replayed.retryCount()).isZero();
        await(() -> info("orders", "g").parkedMessageCount() == 0, "the replayed message gone from the parked stream");
        assertThat(read("$persistentsubscription-orders::g-parked")).isEmpty();
        await(() -> !info("orders", "g").status().contains("Replaying"), "the replay finished");
    }

    @Test
    void replayStopsAtTheGivenParkedRevision() throws Exception {
        seed("orders", 3);
        ps().createToStream(name("orders"), "g", fast());
        Set<UUID> parkedOnce = new HashSet<>();
        Recorder recorder = new Recorder((s, d) -> {
            if (d.event().link() == null) {
                s.nack(NackAction.PARK, "later", d.event());
            } else {
                parkedOnce.add(d.event().event().id());
                s.ack(d.event());
            }
        });
        subscribe("orders", "g", 10, recorder);
        recorder.await(3);
        await(() -> info("orders", "g").parkedMessageCount() == 3, "three parked messages");

        ps().replayParked(name("orders"), "g", 2L);
        recorder.await(5);
        await(() -> info("orders", "g").parkedMessageCount() == 1, "one left parked");
        tick();
        assertThat(recorder.deliveries).hasSize(5);
        assertThat(recorder.deliveries.subList(3, 5)).extracting(d -> d.event().event().revision())
                .containsExactly(0L, 1L);
        assertThat(read("$persistentsubscription-orders::g-parked")).extracting(RecordedEvent::dataAsString)
                .containsExactly("2@orders");
        assertThatThrownBy(() -> ps().replayParked(name("orders"), "g", -1L))
                .isInstanceOf(PersistentSubscriptionException.class);
    }

    @Test
    void skippedAndStoppedEventsAreNotRedelivered() throws Exception {
        seed("orders", 2);
        ps().createToStream(name("orders"), "g", fast());
        Recorder recorder = new Recorder((s, d) -> s.nack(
                d.event().originalEvent().revision() == 0 ? NackAction.SKIP : NackAction.STOP, "no", d.event()));
        subscribe("orders", "g", 10, recorder);
        recorder.await(2);
        await(() -> info("orders", "g").lastCheckpointedEventPosition().equals("1"), "checkpoint past both");
        tick();
        assertThat(recorder.deliveries).hasSize(2);
        assertThat(info("orders", "g").parkedMessageCount()).isZero();
    }

    @Test
    void anEventNotAcknowledgedInTimeIsRetried() throws Exception {
        seed("orders", 1);
        ps().createToStream(name("orders"), "g", fast().messageTimeout(Duration.ofSeconds(30)));
        Recorder recorder = Recorder.holding();
        subscribe("orders", "g", 10, recorder);
        recorder.await(1);
        tick();
        assertThat(recorder.deliveries).hasSize(1);

        clock.advance(Duration.ofSeconds(31));
        recorder.await(2);
        assertThat(recorder.retryCounts()).containsExactly(0, 1);
        assertThat(recorder.deliveries.get(1).id()).isEqualTo(recorder.deliveries.get(0).id());
    }

    @Test
    void aConsumerThatLeavesHasItsEventsRetriedWithTheOthers() throws Exception {
        seed("orders", 4);
        ps().createToStream(name("orders"), "g", fast());
        Recorder leaving = Recorder.holding();
        PersistentSubscription first = subscribe("orders", "g", 4, leaving);
        leaving.await(4);
        Recorder staying = Recorder.acking();
        subscribe("orders", "g", 10, staying);
        first.stop();
        staying.await(4);
        assertThat(staying.revisions()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
        assertThat(staying.retryCounts()).containsOnly(1);
    }

    // ---- strategies ----

    @Test
    void roundRobinSharesEventsAmongConsumers() {
        ps().createToStream(name("orders"), "g", fast().consumerStrategy(ConsumerStrategy.ROUND_ROBIN));
        Recorder a = Recorder.acking();
        Recorder b = Recorder.acking();
        subscribe("orders", "g", 10, a);
        subscribe("orders", "g", 10, b);
        seed("orders", 10);
        await(() -> a.deliveries.size() + b.deliveries.size() == 10, "ten deliveries");
        assertThat(a.deliveries).hasSize(5);
        assertThat(b.deliveries).hasSize(5);
    }

    @Test
    void dispatchToSingleFillsOneConsumerBeforeTheNext() throws Exception {
        ps().createToStream(name("orders"), "g", fast().consumerStrategy(ConsumerStrategy.DISPATCH_TO_SINGLE));
        Recorder a = Recorder.holding();
        Recorder b = Recorder.holding();
        subscribe("orders", "g", 3, a);
        subscribe("orders", "g", 3, b);
        seed("orders", 5);
        await(() -> a.deliveries.size() + b.deliveries.size() == 5, "five deliveries");
        assertThat(a.revisions()).containsExactly(0L, 1L, 2L);
        assertThat(b.revisions()).containsExactly(3L, 4L);
    }

    @Test
    void pinnedKeepsEachSourceStreamWithOneConsumer() {
        for (int i = 0; i < 6; i++) {
            append("order-" + i, StreamState.any(), events(1));
        }
        ps().createToAll("g", fast().startFrom(StartFrom.start()).consumerStrategy(ConsumerStrategy.PINNED),
                EventFilter.streamNamePrefix("order-"));
        Recorder a = Recorder.acking();
        Recorder b = Recorder.acking();
        subscribe(StreamName.ALL, "g", 100, a);
        subscribe(StreamName.ALL, "g", 100, b);
        for (int i = 0; i < 6; i++) {
            append("order-" + i, StreamState.any(), events(2));
        }
        await(() -> a.deliveries.size() + b.deliveries.size() == 18, "eighteen deliveries");
        Set<String> streamsOfA = streams(a);
        Set<String> streamsOfB = streams(b);
        // consumers' hash seeds are random, so one of them may win all six streams (1 run in 32)
        assertThat(Collections.disjoint(streamsOfA, streamsOfB))
                .as("streams of a %s, of b %s", streamsOfA, streamsOfB).isTrue();
        assertThat(streamsOfA.size() + streamsOfB.size()).isEqualTo(6);
    }

    /** The streams of the events appended once both consumers were there (revisions above 0). */
    private static Set<String> streams(Recorder r) {
        Set<String> streams = new HashSet<>();
        for (Delivery d : r.deliveries) {
            if (d.event().originalEvent().revision() > 0) {
                streams.add(d.event().originalEvent().stream().value());
            }
        }
        return streams;
    }

    // ---- $all ----

    @Test
    void aFilteredAllGroupDeliversMatchingEventsAndCheckpointsPastTheOthers() throws Exception {
        append("a", StreamState.any(), event("Other"), event("Wanted"), event("Other"));
        ps().createToAll("g", fast().startFrom(StartFrom.start()).buffers(500, 2, 500),
                EventFilter.eventTypePrefix("Wanted"));
        Recorder recorder = Recorder.acking();
        subscribe(StreamName.ALL, "g", 10, recorder);
        recorder.await(1);
        List<EventData> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            others.add(event("Other"));
        }
        append("b", StreamState.any(), others);
        append("b", StreamState.any(), event("Wanted"));
        recorder.await(2);
        await(() -> info(StreamName.ALL, "g").lastCheckpointedEventPosition().startsWith("C:"), "a checkpoint");
        tick();
        assertThat(recorder.deliveries).extracting(d -> d.event().event().type().value()).containsOnly("Wanted");
        assertThat(recorder.deliveries).hasSize(2);
        // $all groups' own streams are hidden from $all, as in KurrentDB
        assertThat(readAll(ReadAllOptions.forwards())).extracting(e -> e.stream().value())
                .noneMatch(s -> s.startsWith("$persistentsubscription-$all::"));
        assertThat(read("$persistentsubscription-$all::g-checkpoint")).isNotEmpty();
    }

    @Test
    void anAllGroupFromAPositionIncludesTheEventThere() {
        append("a", StreamState.any(), events(2));
        long second = readAll().stream().filter(e -> e.stream().value().equals("a")).toList().get(1).position().prepare();
        ps().createToAll("g", fast().startFrom(StartFrom.position(dev.cairn.api.Position.of(second, second))), null);
        Recorder recorder = Recorder.acking();
        subscribe(StreamName.ALL, "g", 10, recorder);
        recorder.await(1);
        assertThat(recorder.deliveries.getFirst().event().originalEvent().position().prepare()).isEqualTo(second);
    }

    // ---- restarts ----

    @Test
    void aRestartResumesAfterTheLastCheckpointAndLosesNothing() throws Exception {
        seed("orders", 20);
        ps().createToStream(name("orders"), "g", fast().checkpointCounts(5, 5));
        Set<Long> handled = new HashSet<>();
        Recorder before = new Recorder((s, d) -> {
            if (d.event().originalEvent().revision() < 12) {
                handled.add(d.event().originalEvent().revision());
                s.ack(d.event());
            }
        });
        subscribe("orders", "g", 100, before);
        before.await(20);
        await(() -> handled.size() == 12, "twelve acknowledged");

        reopen();
        assertThat(before.stopped.get(5, TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class);

        Recorder after = new Recorder((s, d) -> {
            handled.add(d.event().originalEvent().revision());
            s.ack(d.event());
        });
        subscribe("orders", "g", 100, after);
        after.await(8);
        tick();
        // the orderly close wrote a final checkpoint at 11: 12..19 come again, nothing is lost
        assertThat(after.revisions()).containsExactly(12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
        assertThat(handled).hasSize(20);
    }

    @Test
    void restartingTheSubsystemDropsConsumersAndResumesFromTheCheckpoint() throws Exception {
        seed("orders", 3);
        ps().createToStream(name("orders"), "g", fast());
        Recorder first = new Recorder((s, d) -> {
            if (d.event().originalEvent().revision() == 0) {
                s.ack(d.event());
            }
        });
        subscribe("orders", "g", 10, first);
        first.await(3);
        await(() -> info("orders", "g").lastCheckpointedEventPosition().equals("0"), "checkpoint at 0");

        ps().restart();
        assertThat(first.stopped.get(5, TimeUnit.SECONDS)).isInstanceOf(PersistentSubscriptionException.class);
        Recorder second = Recorder.acking();
        subscribe("orders", "g", 10, second);
        second.await(2);
        assertThat(second.revisions()).containsExactly(1L, 2L);
    }

    PersistentSubscription subscribe(StreamName source, String group, int buffer, Recorder recorder) {
        return ps().subscribe(source, group, ConsumerOptions.bufferSize(buffer), recorder);
    }

    PersistentSubscriptionInfo info(StreamName source, String group) {
        return ps().getInfo(source, group).orElseThrow();
    }
}
