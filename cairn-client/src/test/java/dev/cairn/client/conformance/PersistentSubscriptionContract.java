package dev.cairn.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.EventFilter;
import dev.cairn.api.NackAction;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Persistent subscription groups: management, consumers with acks and nacks, and the errors. */
abstract class PersistentSubscriptionContract extends ContractBase {

    static final PersistentSubscriptionSettings FROM_START = PersistentSubscriptionSettings.defaults()
            .startFrom(StartFrom.start());

    static String group() {
        return "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Records deliveries; acknowledges each unless told to nack it once. */
    static final class Consumer implements PersistentSubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final List<Integer> retries = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        volatile boolean retryFirstOnce;

        @Override
        public void onEvent(PersistentSubscription s, ResolvedEvent event, int retryCount) {
            events.add(event);
            retries.add(retryCount);
            if (retryFirstOnce && retryCount == 0 && event.event().revision() == 0) {
                s.nack(NackAction.RETRY, "not yet", event);
            } else {
                s.ack(event);
            }
        }

        @Override
        public void onStopped(PersistentSubscription s, Throwable error) {
            stopped.complete(error);
        }
    }

    @Test
    void aConsumerGetsTheGroupsEventsAndARetriedEventAgain() throws Exception {
        StreamName s = stream("psub");
        append(s, StreamState.noStream(), events(3));
        String group = group();
        store().persistentSubscriptions().createToStream(s, group, FROM_START);
        Consumer consumer = new Consumer();
        consumer.retryFirstOnce = true;
        try (PersistentSubscription sub = store().persistentSubscriptions().subscribe(s, group,
                ConsumerOptions.bufferSize(10), consumer)) {
            await("4 deliveries", () -> consumer.events.size() >= 4);
            assertThat(sub.id()).isEqualTo(s + "::" + group);
        }
        assertThat(consumer.stopped.get(20, TimeUnit.SECONDS)).isNull();
        assertThat(consumer.events).extracting(e -> e.event().revision()).containsExactlyInAnyOrder(0L, 1L, 2L, 0L);
        assertThat(consumer.retries).contains(1);
    }

    @Test
    void groupsAreCreatedListedUpdatedAndDeleted() {
        StreamName s = stream("pmanage");
        String group = group();
        store().persistentSubscriptions().createToStream(s, group, FROM_START);
        PersistentSubscriptionInfo info = store().persistentSubscriptions().getInfo(s, group).orElseThrow();
        assertThat(info.source()).isEqualTo(s);
        assertThat(info.group()).isEqualTo(group);
        assertThat(info.settings()).isEqualTo(FROM_START);
        assertThat(store().persistentSubscriptions().list(s)).extracting(PersistentSubscriptionInfo::group)
                .containsExactly(group);

        PersistentSubscriptionSettings changed = FROM_START.resolveLinks(true);
        store().persistentSubscriptions().update(s, group, changed);
        assertThat(store().persistentSubscriptions().getInfo(s, group).orElseThrow().settings().resolveLinks()).isTrue();

        store().persistentSubscriptions().delete(s, group);
        assertThat(store().persistentSubscriptions().getInfo(s, group)).isEmpty();
    }

    @Test
    void aGroupOnAllDeliversTheEventsItsFilterAccepts() throws Exception {
        String prefix = "pall" + System.nanoTime();
        StreamName s = StreamName.of(prefix + "-x");
        append(s, StreamState.noStream(), events(2));
        String group = group();
        store().persistentSubscriptions().createToAll(group, FROM_START, EventFilter.streamNamePrefix(prefix));
        Consumer consumer = new Consumer();
        try (PersistentSubscription sub = store().persistentSubscriptions().subscribe(StreamName.of("$all"), group,
                ConsumerOptions.bufferSize(5), consumer)) {
            await("2 deliveries", () -> consumer.events.size() >= 2);
        }
        assertThat(consumer.events).extracting(e -> e.event().stream()).containsOnly(s);
        store().persistentSubscriptions().delete(StreamName.of("$all"), group);
    }

    @Test
    void errorsNameTheGroupAndSayWhatIsWrong() {
        StreamName s = stream("perr");
        String group = group();
        store().persistentSubscriptions().createToStream(s, group, FROM_START);
        assertThatThrownBy(() -> store().persistentSubscriptions().createToStream(s, group, FROM_START))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_EXISTS);
                    assertThat(e.source()).isEqualTo(s);
                    assertThat(e.group()).isEqualTo(group);
                });
        assertThatThrownBy(() -> store().persistentSubscriptions().delete(s, "missing"))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND));
        assertThatThrownBy(() -> store().persistentSubscriptions().subscribe(s, "missing",
                ConsumerOptions.bufferSize(1), new Consumer()))
                .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND));
    }

    @Test
    void aFullGroupRefusesAnotherConsumer() throws Exception {
        StreamName s = stream("pfull");
        String group = group();
        store().persistentSubscriptions().createToStream(s, group, new PersistentSubscriptionSettings(StartFrom.start(),
                false, false, Duration.ofSeconds(30), 10, Duration.ofSeconds(2), 10, 1000, 1, 500, 20, 500,
                dev.cairn.api.ConsumerStrategy.ROUND_ROBIN));
        try (PersistentSubscription first = store().persistentSubscriptions().subscribe(s, group,
                ConsumerOptions.bufferSize(1), new Consumer())) {
            assertThatThrownBy(() -> store().persistentSubscriptions().subscribe(s, group,
                    ConsumerOptions.bufferSize(1), new Consumer()))
                    .isInstanceOfSatisfying(PersistentSubscriptionException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MAXIMUM_SUBSCRIBERS_REACHED));
        }
    }

    @Test
    void deletingTheGroupDropsItsConsumers() throws Exception {
        StreamName s = stream("pdrop");
        String group = group();
        store().persistentSubscriptions().createToStream(s, group, FROM_START);
        Consumer consumer = new Consumer();
        store().persistentSubscriptions().subscribe(s, group, ConsumerOptions.bufferSize(1), consumer);
        store().persistentSubscriptions().delete(s, group);
        assertThat(consumer.stopped.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                PersistentSubscriptionException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERSISTENT_SUBSCRIPTION_DROPPED));
    }
}
