package dev.cairn.eventsourcing.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.Repository;
import dev.cairn.eventsourcing.Selection;
import dev.cairn.eventsourcing.StoredEvent;
import dev.cairn.eventsourcing.dogs.Dog;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.test.CairnExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The outbox publishes at least once, in order, retries with backoff, and dead-letters what keeps failing. */
@ExtendWith(CairnExtension.class)
class OutboxTest {

    static final EventCodec CODEC = dev.cairn.eventsourcing.dogs.Dogs.CODEC;
    static final Outbox.Options FAST = new Outbox.Options(3, Duration.ofMillis(5), Duration.ofMillis(20), 2);

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    static Repository<Dog, DogEvent> dogs(EventStore store) {
        return new Repository<>(store, CODEC, "dog", DogEvent.class, Dog::new);
    }

    static void registerDogs(EventStore store, int from, int to) {
        for (int i = from; i < to; i++) {
            int n = i;
            dogs(store).create("d" + n, Causation.command(), d -> d.register("Dog" + n, "mutt"));
        }
    }

    @Test
    void publishesSelectedEventsInOrderAndResumesAfterItsCheckpoint(EventStore store) throws Exception {
        List<UUID> published = new CopyOnWriteArrayList<>();
        registerDogs(store, 0, 5);
        store.append("orders-1", dev.cairn.api.StreamState.any(), dev.cairn.api.EventData.json("OrderPlaced", "{}"));
        Outbox first = Outbox.start(store, CODEC, "mail", Selection.category("dog"), e -> published.add(e.id()), FAST);
        await("5 published", () -> published.size() == 5);
        first.close();
        assertThat(first.stopped().get()).isNull();

        registerDogs(store, 5, 8);
        Outbox second = Outbox.start(store, CODEC, "mail", Selection.category("dog"), e -> published.add(e.id()), FAST);
        await("8 published", () -> published.size() >= 8);
        second.close();

        List<UUID> inLog = store.readAllToList(dev.cairn.api.ReadAllOptions.forwards()
                .filter(Selection.category("dog").filter())).stream().map(e -> e.event().id()).toList();
        assertThat(published).as("everything, in log order, once: the checkpoint was stored on stop")
                .containsExactlyElementsOf(inLog);
    }

    @Test
    void aFailingSinkIsRetriedWithBackoffUntilItSucceeds(EventStore store) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> published = new CopyOnWriteArrayList<>();
        registerDogs(store, 0, 2);
        try (Outbox outbox = Outbox.start(store, CODEC, "flaky", Selection.category("dog"), e -> {
            if (calls.incrementAndGet() <= 2) {
                throw new java.io.IOException("broker unavailable");
            }
            published.add(((DogEvent.DogRegistered) e.event()).name());
        }, FAST)) {
            await("2 published", () -> published.size() == 2);
        }
        assertThat(published).containsExactly("Dog0", "Dog1");
        assertThat(calls).hasValue(4);
    }

    @Test
    void anEventThatKeepsFailingGoesToTheDeadLetterStreamAndTheRestFlow(EventStore store) throws Exception {
        List<String> published = new CopyOnWriteArrayList<>();
        registerDogs(store, 0, 3);
        Outbox outbox = Outbox.start(store, CODEC, "strict", Selection.category("dog"), e -> {
            StoredEvent<?> ev = e;
            if (((DogEvent.DogRegistered) ev.event()).name().equals("Dog1")) {
                throw new IllegalArgumentException("Dog1 is not accepted");
            }
            published.add(((DogEvent.DogRegistered) ev.event()).name());
        }, FAST);
        await("2 published", () -> published.size() == 2);
        outbox.close();

        assertThat(published).containsExactly("Dog0", "Dog2");
        List<ResolvedEvent> dead = store.readStreamToList(outbox.deadLetterStream(), ReadStreamOptions.forwards());
        assertThat(dead).hasSize(1);
        RecordedEvent letter = dead.get(0).event();
        assertThat(letter.type().value()).isEqualTo("DogRegistered");
        assertThat(letter.dataAsString()).contains("\"Dog1\"");
        String meta = new String(letter.metadata(), StandardCharsets.UTF_8);
        assertThat(meta).contains("\"originalStream\":\"dog-d1\"", "\"attempts\":\"3\"", "Dog1 is not accepted",
                "\"$correlationId\"");
    }

    @Test
    void afterACrashEventsSinceTheLastCheckpointArePublishedAgainButNoneIsSkipped(EventStore store) throws Exception {
        List<UUID> published = new CopyOnWriteArrayList<>();
        registerDogs(store, 0, 7);
        Outbox.Options rare = new Outbox.Options(3, Duration.ofMillis(5), Duration.ofMillis(20), 3);
        Outbox crashing = Outbox.start(store, CODEC, "crashy", Selection.category("dog"), e -> {
            if (published.size() == 5) {
                throw new Error("the process dies here"); // not an Exception: ends the outbox like a crash would
            }
            published.add(e.id());
        }, rare);
        assertThat(crashing.stopped().get(20, TimeUnit.SECONDS)).isInstanceOf(Error.class);

        Outbox restarted = Outbox.start(store, CODEC, "crashy", Selection.category("dog"), e -> published.add(e.id()),
                rare);
        await("all seven, some twice", () -> published.stream().distinct().count() == 7);
        restarted.close();

        List<UUID> inLog = store.readAllToList(dev.cairn.api.ReadAllOptions.forwards()
                .filter(Selection.category("dog").filter())).stream().map(e -> e.event().id()).toList();
        assertThat(published.stream().distinct().toList()).containsExactlyElementsOf(inLog);
        assertThat(published).as("the checkpoint after 3 events: events 4 and 5 were published again")
                .hasSize(9);
        assertThat(published.subList(5, 9)).containsExactlyElementsOf(inLog.subList(3, 7));
    }
}
