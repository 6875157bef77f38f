package dev.cairn.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.client.CairnClient;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.eventsourcing.dogs.Dog;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.eventsourcing.projection.InMemoryViewStore;
import dev.cairn.eventsourcing.projection.ProjectionRunner;
import dev.cairn.eventsourcing.projection.Projections;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The toolkit on the client, against a node: the same repository and projection code as on the
 * embedded store, including the typed concurrency conflict and the correlation ids.
 */
class RemoteToolkitTest {

    static final EventCodec CODEC = dev.cairn.eventsourcing.dogs.Dogs.CODEC;

    @Test
    void repositoriesAndProjectionsWorkOverTheWire(@TempDir Path dir) throws Exception {
        CairnOptions options = CairnOptions.builder(dir).segmentSize(8L << 20).maxEventSize(1L << 20)
                .maxAppendSize(4L << 20).build();
        CairnServer server = CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(), options.maxEventSize());
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + server.port() + "?tls=false")) {
            Repository<Dog, DogEvent> dogs = new Repository<>(client, CODEC, "dog", DogEvent.class, Dog::new)
                    .snapshotEvery(2);
            Causation command = Causation.command("c-42");
            dogs.create("rex", command, d -> d.register("Rex", "collie"));
            dogs.update("rex", command, d -> d.addTrick("sit"));
            dogs.update("rex", command, d -> d.addTrick("beg"));

            Dog stale = dogs.load("rex");
            dogs.update("rex", command, d -> d.addTrick("roll"));
            stale.addTrick("play dead");
            assertThatThrownBy(() -> dogs.save(stale, command)).isInstanceOf(ConcurrencyException.class);
            assertThat(dogs.load("rex").tricks()).containsExactly("sit", "beg", "roll");
            assertThat(dogs.history("rex")).allSatisfy(e -> assertThat(e.metadata().correlationId()).isEqualTo("c-42"));

            AtomicInteger tricks = new AtomicInteger();
            InMemoryViewStore<AtomicInteger> view = new InMemoryViewStore<>(tricks);
            try (ProjectionRunner<AtomicInteger> runner = ProjectionRunner.start(client, CODEC,
                    Projections.<AtomicInteger>named("tricks", CODEC.registry())
                            .on(DogEvent.TrickAdded.class, (e, v) -> v.incrementAndGet()).build(), view)) {
                runner.waitFor(client.headPosition(), Duration.ofSeconds(20));
                assertThat(view.read(AtomicInteger::get)).isEqualTo(3);
            }
        } finally {
            server.stop();
        }
    }
}
