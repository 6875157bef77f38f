package dev.cairn.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.StreamState;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.Repository;
import dev.cairn.eventsourcing.dogs.Dog;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.test.CairnExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Projections into an in-memory view: following the log, exactly once across restarts, read-your-writes. */
@ExtendWith(CairnExtension.class)
class ProjectionRunnerTest {

    static final EventCodec CODEC = dev.cairn.eventsourcing.dogs.Dogs.CODEC;
    static final Duration WAIT = Duration.ofSeconds(20);

    /** Dogs and tricks counted in memory. */
    static final class Counts {
        int dogs;
        int tricks;
        final Map<String, Integer> tricksPerDog = new HashMap<>();
    }

    static Projection<Counts> countsInMemory() {
        return Projections.<Counts>named("counts", CODEC.registry())
                .on(DogEvent.DogRegistered.class, (e, v) -> v.dogs++)
                .on(DogEvent.TrickAdded.class, (e, v) -> {
                    v.tricks++;
                    v.tricksPerDog.merge(e.stream().value(), 1, Integer::sum);
                })
                .build();
    }

    static Repository<Dog, DogEvent> dogs(EventStore store) {
        return new Repository<>(store, CODEC, "dog", DogEvent.class, Dog::new);
    }

    @Test
    void theViewFollowsTheEventsAndAWaitGivesReadYourWrites(EventStore store) throws Exception {
        Repository<Dog, DogEvent> dogs = dogs(store);
        dogs.create("a", Causation.command(), d -> d.register("A", "x"));
        InMemoryViewStore<Counts> view = new InMemoryViewStore<>(new Counts());
        try (ProjectionRunner<Counts> runner = ProjectionRunner.start(store, CODEC, countsInMemory(), view)) {
            dogs.update("a", Causation.command(), d -> d.addTrick("sit"));
            Dog b = dogs.create("b", Causation.command(), d -> {
                d.register("B", "y");
                d.addTrick("sit");
                d.addTrick("roll");
            });
            runner.waitFor(store.readStreamToList(dogs.streamOf(b.id()), dev.cairn.api.ReadStreamOptions.backwards()
                    .maxCount(1)).get(0).position(), WAIT);
            List<Integer> counts = view.read(c -> List.of(c.dogs, c.tricks));
            Integer ofB = view.read(c -> c.tricksPerDog.get("dog-b"));
            assertThat(counts).containsExactly(2, 3);
            assertThat(ofB).isEqualTo(2);
            assertThat(runner.caughtUp()).isTrue();
        }
    }

    @Test
    void eventsTheProjectionDoesNotSelectStillMoveItForward(EventStore store) throws Exception {
        InMemoryViewStore<Counts> view = new InMemoryViewStore<>(new Counts());
        try (ProjectionRunner<Counts> runner = ProjectionRunner.start(store, CODEC, countsInMemory(), view)) {
            AppendResult unrelated = null;
            for (int i = 0; i < 3; i++) {
                unrelated = store.append("orders-" + i, StreamState.any(), EventData.json("OrderPlaced", "{}"));
            }
            runner.waitFor(unrelated.position(), WAIT);
            assertThat(runner.position()).isGreaterThanOrEqualTo(unrelated.position());
            int dogs = view.read(c -> c.dogs);
            assertThat(dogs).isZero();
            assertThatThrownBy(() -> runner.waitFor(Position.of(Long.MAX_VALUE, Long.MAX_VALUE), Duration.ofMillis(50)))
                    .isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aRestartedRunnerResumesAfterItsStoredPositionWithoutCountingTwice(EventStore store) throws Exception {
        Repository<Dog, DogEvent> dogs = dogs(store);
        InMemoryViewStore<Counts> view = new InMemoryViewStore<>(new Counts());
        dogs.create("a", Causation.command(), d -> d.register("A", "x"));
        try (ProjectionRunner<Counts> runner = ProjectionRunner.start(store, CODEC, countsInMemory(), view)) {
            dogs.create("b", Causation.command(), d -> d.register("B", "x"));
            await(runner, view, 2);
        }
        dogs.create("c", Causation.command(), d -> d.register("C", "x"));
        try (ProjectionRunner<Counts> again = ProjectionRunner.start(store, CODEC, countsInMemory(), view)) {
            await(again, view, 3);
            assertThat(view.position("counts")).isGreaterThan(Position.START);
        }
        int registered = view.read(c -> c.dogs);
        assertThat(registered).isEqualTo(3);
    }

    private static void await(ProjectionRunner<Counts> runner, InMemoryViewStore<Counts> view, int dogs)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (view.read(c -> c.dogs) < dogs) {
            if (System.nanoTime() > deadline || runner.failure() != null) {
                throw new AssertionError("view has " + view.read(c -> c.dogs) + " dogs, failure " + runner.failure());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aFailingProjectionStopsBeforeTheEventAndResumesThereOnceFixed(EventStore store) throws Exception {
        Repository<Dog, DogEvent> dogs = dogs(store);
        AtomicBoolean broken = new AtomicBoolean(true);
        Projection<Counts> fragile = Projections.<Counts>named("fragile", CODEC.registry())
                .on(DogEvent.DogRegistered.class, (e, v) -> {
                    if (e.event().name().equals("Bad") && broken.get()) {
                        throw new IllegalStateException("cannot handle Bad");
                    }
                    v.dogs++;
                }).build();
        InMemoryViewStore<Counts> view = new InMemoryViewStore<>(new Counts());
        dogs.create("a", Causation.command(), d -> d.register("A", "x"));
        dogs.create("bad", Causation.command(), d -> d.register("Bad", "x"));
        AppendResult after = store.append(dogs.streamOf("c"), StreamState.noStream(), List.of(
                CODEC.encode(new DogEvent.DogRegistered("C", "x", null), dev.cairn.eventsourcing.EventMetadata.NONE)));

        ProjectionRunner<Counts> runner = ProjectionRunner.start(store, CODEC, fragile, view);
        assertThatThrownBy(() -> runner.waitFor(after.position(), WAIT)).isInstanceOf(ProjectionFailedException.class)
                .hasMessageContaining("cannot handle Bad");
        assertThat(runner.failure()).isInstanceOf(ProjectionFailedException.class);
        int beforeFix = view.read(c -> c.dogs);
        assertThat(beforeFix).isEqualTo(1);

        broken.set(false);
        try (ProjectionRunner<Counts> fixed = ProjectionRunner.start(store, CODEC, fragile, view)) {
            fixed.waitFor(after.position(), WAIT);
        }
        int registered = view.read(c -> c.dogs);
        assertThat(registered).isEqualTo(3);
    }
}
