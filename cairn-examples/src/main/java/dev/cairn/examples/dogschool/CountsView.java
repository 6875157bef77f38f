package dev.cairn.examples.dogschool;

import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.eventsourcing.projection.JdbcViewStore;
import dev.cairn.eventsourcing.projection.Projection;
import dev.cairn.eventsourcing.projection.ProjectionRunner;
import dev.cairn.eventsourcing.projection.Projections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A materialised view of the school in SQLite: how many dogs and how many tricks. A projection
 * keeps it up to date as events arrive, each event counted exactly once even across restarts
 * (the count and the projection's position are committed together).
 */
public final class CountsView implements AutoCloseable {

    private final String url;
    private final JdbcViewStore store;
    private final ProjectionRunner<Connection> runner;

    private CountsView(String url, JdbcViewStore store, ProjectionRunner<Connection> runner) {
        this.url = url;
        this.store = store;
        this.runner = runner;
    }

    /** Opens (creating if needed) the view in the SQLite file at {@code url} and starts updating it. */
    public static CountsView start(EventStore events, String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
            s.execute("INSERT OR IGNORE INTO counts VALUES ('dogs', 0), ('tricks', 0)");
        }
        Projection<Connection> counting = Projections.<Connection>named("dog-school-counts",
                DogSchool.CODEC.registry())
                .on(DogEvent.DogRegistered.class, (e, db) -> increment(db, "dogs"))
                .on(DogEvent.TrickAdded.class, (e, db) -> increment(db, "tricks"))
                .build();
        JdbcViewStore store = new JdbcViewStore(() -> DriverManager.getConnection(url));
        return new CountsView(url, store, ProjectionRunner.start(events, DogSchool.CODEC, counting, store));
    }

    private static void increment(Connection db, String name) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE counts SET n = n + 1 WHERE name = '" + name + "'");
        }
    }

    /** Waits until the view includes the event at {@code position}. */
    public void waitFor(Position position) throws TimeoutException, InterruptedException {
        runner.waitFor(position, Duration.ofSeconds(30));
    }

    public long dogs() throws SQLException {
        return count("dogs");
    }

    public long tricks() throws SQLException {
        return count("tricks");
    }

    private long count(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT n FROM counts WHERE name = '" + name + "'")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    @Override
    public void close() throws SQLException {
        runner.stop();
        store.close();
    }
}
