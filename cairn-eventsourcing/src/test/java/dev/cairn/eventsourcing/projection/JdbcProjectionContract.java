package dev.cairn.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.eventsourcing.Causation;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.Repository;
import dev.cairn.eventsourcing.dogs.Dog;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.test.CairnExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Projections into a SQL database: the view's change and the projection's position commit in one
 * transaction, so restarts neither skip nor count twice, and a failed change leaves neither. Run
 * against SQLite and PostgreSQL.
 */
@ExtendWith(CairnExtension.class)
abstract class JdbcProjectionContract {

    static final EventCodec CODEC = dev.cairn.eventsourcing.dogs.Dogs.CODEC;
    static final Duration WAIT = Duration.ofSeconds(20);

    /** A JDBC URL of an empty database for this test. */
    abstract String freshDatabase() throws Exception;

    String url;

    @BeforeEach
    void database() throws Exception {
        url = freshDatabase();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE totals (dogs INTEGER NOT NULL, tricks INTEGER NOT NULL)");
            s.execute("INSERT INTO totals VALUES (0, 0)");
        }
    }

    static Projection<Connection> counts() {
        return Projections.<Connection>named("dog-counts", CODEC.registry())
                .on(DogEvent.DogRegistered.class, (e, db) -> execute(db, "UPDATE totals SET dogs = dogs + 1"))
                .on(DogEvent.TrickAdded.class, (e, db) -> execute(db, "UPDATE totals SET tricks = tricks + 1"))
                .build();
    }

    static void execute(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    List<Integer> totals() throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT dogs, tricks FROM totals")) {
            r.next();
            return List.of(r.getInt(1), r.getInt(2));
        }
    }

    JdbcViewStore view() {
        return new JdbcViewStore(() -> DriverManager.getConnection(url));
    }

    static Repository<Dog, DogEvent> dogs(EventStore store) {
        return new Repository<>(store, CODEC, "dog", DogEvent.class, Dog::new);
    }

    static Position lastOf(EventStore store, String dogId) {
        return store.readStreamToList(dogs(store).streamOf(dogId), ReadStreamOptions.backwards().maxCount(1)).get(0)
                .position();
    }

    @Test
    void theViewAndItsPositionAreCommittedTogetherAndARestartResumesAfterIt(EventStore store) throws Exception {
        Repository<Dog, DogEvent> dogs = dogs(store);
        dogs.create("a", Causation.command(), d -> {
            d.register("A", "x");
            d.addTrick("sit");
        });
        try (JdbcViewStore view = view();
                ProjectionRunner<Connection> runner = ProjectionRunner.start(store, CODEC, counts(), view)) {
            dogs.create("b", Causation.command(), d -> d.register("B", "y"));
            runner.waitFor(lastOf(store, "b"), WAIT);
            assertThat(totals()).containsExactly(2, 1);
        }
        dogs.update("b", Causation.command(), d -> d.addTrick("roll"));
        try (JdbcViewStore view = view();
                ProjectionRunner<Connection> runner = ProjectionRunner.start(store, CODEC, counts(), view)) {
            assertThat(view.position("dog-counts")).isNotNull();
            runner.waitFor(lastOf(store, "b"), WAIT);
            assertThat(totals()).as("resumed after its position: nothing counted twice").containsExactly(2, 2);
        }
    }

    @Test
    void aFailedChangeLeavesNeitherTheChangeNorThePosition(EventStore store) throws Exception {
        Projection<Connection> halfway = Projections.<Connection>named("halfway", CODEC.registry())
                .on(DogEvent.DogRegistered.class, (e, db) -> {
                    execute(db, "UPDATE totals SET dogs = dogs + 1");
                    throw new IllegalStateException("fails after changing the view");
                }).build();
        dogs(store).create("a", Causation.command(), d -> d.register("A", "x"));
        try (JdbcViewStore view = view()) {
            ProjectionRunner<Connection> runner = ProjectionRunner.start(store, CODEC, halfway, view);
            assertThatThrownBy(() -> runner.waitFor(lastOf(store, "a"), WAIT))
                    .isInstanceOf(ProjectionFailedException.class);
            assertThat(totals()).containsExactly(0, 0);
            assertThat(view.position("halfway")).isNull();
        }
    }

    @Test
    void readYourWritesAcrossManyEvents(EventStore store) throws Exception {
        Repository<Dog, DogEvent> dogs = dogs(store);
        try (JdbcViewStore view = view();
                ProjectionRunner<Connection> runner = ProjectionRunner.start(store, CODEC, counts(), view)) {
            for (int i = 0; i < 30; i++) {
                int n = i;
                dogs.create("d" + n, Causation.command(), d -> {
                    d.register("D" + n, "x");
                    d.addTrick("sit");
                });
                runner.waitFor(lastOf(store, "d" + n), WAIT);
                assertThat(totals()).containsExactly(n + 1, n + 1);
            }
        }
    }
}
