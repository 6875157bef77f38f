package dev.cairn.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.eventsourcing.dogs.Dog;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.test.CairnExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Aggregates saved to and loaded from their streams, with optimistic concurrency and snapshots. */
@ExtendWith(CairnExtension.class)
class RepositoryTest {

    static final EventCodec CODEC = dev.cairn.eventsourcing.dogs.Dogs.CODEC;

    static Repository<Dog, DogEvent> dogs(EventStore store) {
        return new Repository<>(store, CODEC, "dog", DogEvent.class, Dog::new);
    }

    @Test
    void anAggregateIsSavedToItsCategoryStreamAndLoadedBack(EventStore store) {
        Repository<Dog, DogEvent> dogs = dogs(store);
        Dog rex = dogs.create("rex", Causation.command(), d -> d.register("Rex", "collie"));
        assertThat(rex.version()).isZero();
        dogs.update("rex", Causation.command(), d -> d.addTrick("sit"));
        dogs.update("rex", Causation.command(), d -> d.addTrick("sit")); // nothing new: nothing saved

        Dog loaded = dogs.load("rex");
        assertThat(loaded.name()).isEqualTo("Rex");
        assertThat(loaded.tricks()).containsExactly("sit");
        assertThat(loaded.version()).isEqualTo(1);
        assertThat(loaded.pendingEvents()).isEmpty();
        assertThat(store.readStreamToList(StreamName.of("dog-rex"), ReadStreamOptions.forwards()))
                .extracting(e -> e.event().type().value()).containsExactly("DogRegistered", "TrickAdded");
        assertThat(dogs.find("nobody")).isEmpty();
        assertThatThrownBy(() -> dogs.load("nobody")).isInstanceOf(AggregateNotFoundException.class);
    }

    @Test
    void aStaleSaveIsATypedConcurrencyConflictAndWritesNothing(EventStore store) {
        Repository<Dog, DogEvent> dogs = dogs(store);
        dogs.create("fido", Causation.command(), d -> d.register("Fido", "pug"));
        Dog first = dogs.load("fido");
        Dog second = dogs.load("fido");
        first.addTrick("roll");
        dogs.save(first, Causation.command());

        second.addTrick("beg");
        assertThatThrownBy(() -> dogs.save(second, Causation.command()))
                .isInstanceOfSatisfying(ConcurrencyException.class, e -> {
                    assertThat(e.stream()).isEqualTo(StreamName.of("dog-fido"));
                    assertThat(e.expectedVersion()).isZero();
                });
        assertThat(dogs.load("fido").tricks()).containsExactly("roll");
        assertThatThrownBy(() -> dogs.create("fido", Causation.command(), d -> d.register("Again", "pug")))
                .isInstanceOf(ConcurrencyException.class);
    }

    @Test
    void updateReloadsAndRunsTheCommandAgainWhenItLosesTheRace(EventStore store) {
        Repository<Dog, DogEvent> dogs = dogs(store);
        dogs.create("lassie", Causation.command(), d -> d.register("Lassie", "collie"));
        AtomicInteger runs = new AtomicInteger();
        Dog saved = dogs.update("lassie", Causation.command(), d -> {
            if (runs.incrementAndGet() == 1) {
                // someone else saves between this command's load and its save
                dogs.update("lassie", Causation.command(), other -> other.addTrick("fetch"));
            }
            d.addTrick("stay");
        });
        assertThat(runs).hasValue(2);
        assertThat(saved.tricks()).containsExactly("fetch", "stay");
        assertThat(dogs.load("lassie").tricks()).containsExactly("fetch", "stay");

        assertThatThrownBy(() -> dogs.update("nobody", Causation.command(), d -> d.addTrick("x")))
                .as("a rule the command breaks is not retried").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void updateGivesUpAfterItsAttempts(EventStore store) {
        Repository<Dog, DogEvent> dogs = dogs(store).maxAttempts(2);
        dogs.create("busy", Causation.command(), d -> d.register("Busy", "terrier"));
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> dogs.update("busy", Causation.command(), d -> {
            dogs.update("busy", Causation.command(), other -> other.addTrick("t" + runs.incrementAndGet()));
            d.addTrick("mine");
        })).isInstanceOf(ConcurrencyException.class);
        assertThat(runs).hasValue(2);
    }

    @Test
    void eventsCarryTheCorrelationAndCausationOfTheirCommand(EventStore store) {
        Repository<Dog, DogEvent> dogs = dogs(store);
        Causation command = Causation.command("cmd-1");
        dogs.create("max", command, d -> d.register("Max", "lab"));
        StoredEvent<DogEvent> registered = dogs.history("max").get(0);
        assertThat(registered.metadata().correlationId()).isEqualTo("cmd-1");
        assertThat(registered.metadata().causationId()).isEqualTo("cmd-1");

        // a reaction to that event continues the conversation
        dogs.update("max", Causation.of(registered), d -> d.addTrick("shake"));
        StoredEvent<DogEvent> trick = dogs.history("max").get(1);
        assertThat(trick.metadata().correlationId()).isEqualTo("cmd-1");
        assertThat(trick.metadata().causationId()).isEqualTo(registered.id().toString());
    }

    /** Counts the events reads of aggregate streams return. */
    static final class CountingReads {
        final AtomicInteger events = new AtomicInteger();

        EventStore wrap(EventStore store) {
            return (EventStore) java.lang.reflect.Proxy.newProxyInstance(EventStore.class.getClassLoader(),
                    new Class<?>[] {EventStore.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(store, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("readStream") && ((StreamName) args[0]).value().startsWith("dog-")) {
                            List<ResolvedEvent> all = ((EventIterator) result).toList();
                            events.addAndGet(all.size());
                            return iterator(all);
                        }
                        return result;
                    });
        }

        private static EventIterator iterator(List<ResolvedEvent> events) {
            var it = events.iterator();
            return new EventIterator() {
                public boolean hasNext() {
                    return it.hasNext();
                }

                public ResolvedEvent next() {
                    return it.next();
                }

                public void close() {
                }
            };
        }
    }

    @Test
    void withSnapshotsLoadingReadsTheLastSnapshotAndOnlyTheEventsAfterIt(EventStore store) {
        CountingReads reads = new CountingReads();
        Repository<Dog, DogEvent> dogs = dogs(reads.wrap(store)).snapshotEvery(5);
        dogs.create("ace", Causation.command(), d -> d.register("Ace", "husky"));
        for (int i = 1; i <= 11; i++) {
            int n = i;
            dogs.update("ace", Causation.command(), d -> d.addTrick("trick" + n));
        }
        assertThat(store.readStreamToList(StreamName.of("dog_snapshot-ace"), ReadStreamOptions.forwards()))
                .as("at versions 4 and 9").hasSize(2);

        reads.events.set(0);
        Dog ace = dogs.load("ace");
        assertThat(reads.events).as("events 10 and 11 after the snapshot at 9").hasValue(2);
        assertThat(ace.version()).isEqualTo(11);
        assertThat(ace.tricks()).hasSize(11).startsWith("trick1").endsWith("trick11");
        Dog full = dogs(store).load("ace");
        assertThat(full.tricks()).isEqualTo(ace.tricks());
    }

    @Test
    void aSnapshotThatNoLongerReadsIsIgnored(EventStore store) {
        Repository<Dog, DogEvent> dogs = dogs(store).snapshotEvery(1);
        dogs.create("old", Causation.command(), d -> d.register("Old", "beagle"));
        // a snapshot written by an older version of the code, in a shape that no longer fits
        store.append(StreamName.of("dog_snapshot-old"), StreamState.any(), List.of(new EventData(java.util.UUID.randomUUID(),
                dev.cairn.api.EventType.of("Snapshot"), dev.cairn.api.ContentType.JSON,
                "{\"name\":{\"not\":\"a string\"}}".getBytes(StandardCharsets.UTF_8),
                "{\"aggregateVersion\":\"0\"}".getBytes(StandardCharsets.UTF_8))));
        assertThat(dogs.load("old").name()).isEqualTo("Old");
    }

    @Test
    void inProcessHandlersGetTheSavedEventsSynchronously(EventStore store) {
        List<String> seen = new ArrayList<>();
        EventBus bus = new EventBus()
                .on(DogEvent.DogRegistered.class, e -> seen.add("registered " + e.event().name() + "@" + e.revision()))
                .on(DogEvent.class, e -> seen.add("any " + e.type() + " at " + (e.position() != null)));
        Repository<Dog, DogEvent> dogs = dogs(store).publishTo(bus);
        dogs.create("bo", Causation.command(), d -> {
            d.register("Bo", "poodle");
            d.addTrick("spin");
        });
        assertThat(seen).containsExactly("registered Bo@0", "any DogRegistered at true", "any TrickAdded at true");

        EventBus failing = new EventBus().on(DogEvent.TrickAdded.class, e -> {
            throw new IllegalStateException("handler failed");
        });
        Repository<Dog, DogEvent> strict = dogs(store).publishTo(failing);
        assertThatThrownBy(() -> strict.update("bo", Causation.command(), d -> d.addTrick("sit")))
                .hasMessage("handler failed");
        assertThat(dogs.load("bo").tricks()).as("saved before the handlers ran").containsExactly("spin", "sit");
    }
}
