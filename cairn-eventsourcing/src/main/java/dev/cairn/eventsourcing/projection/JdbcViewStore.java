package dev.cairn.eventsourcing.projection;

import dev.cairn.api.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * A view in a relational database (PostgreSQL, SQLite, or any database with
 * {@code INSERT ... ON CONFLICT}): the projection changes its tables through the
 * {@link Connection} it is given, and the runner stores its position in table
 * {@value #TABLE} in the same transaction, then commits.
 *
 * <pre>
 * CREATE TABLE cairn_projection_position (
 *     projection VARCHAR(200) PRIMARY KEY,
 *     commit_position BIGINT NOT NULL,
 *     prepare_position BIGINT NOT NULL)
 * </pre>
 *
 * <p>The store owns one connection, opened on first use with auto-commit off, and is meant for one
 * {@link ProjectionRunner} at a time; other code reads the view through its own connections.
 * Thread-safe: calls take turns on the connection, so reading the position while a runner
 * commits waits for its transaction.
 */
public final class JdbcViewStore implements ViewStore<Connection>, AutoCloseable {

    /** The table of projection positions. */
    public static final String TABLE = "cairn_projection_position";

    /** Opens a connection; {@code DriverManager.getConnection(url)} or a pool's {@code getConnection}. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory factory;
    private Connection connection;

    public JdbcViewStore(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory, "connection factory");
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection c = factory.open();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (projection VARCHAR(200) PRIMARY KEY, "
                        + "commit_position BIGINT NOT NULL, prepare_position BIGINT NOT NULL)");
            }
            c.commit();
            connection = c;
        }
        return connection;
    }

    @Override
    public synchronized Position position(String projection) {
        try {
            Connection c = connection();
            try (PreparedStatement s = c.prepareStatement("SELECT commit_position, prepare_position FROM " + TABLE
                    + " WHERE projection = ?")) {
                s.setString(1, projection);
                try (ResultSet r = s.executeQuery()) {
                    Position p = r.next() ? Position.of(r.getLong(1), r.getLong(2)) : null;
                    c.commit();
                    return p;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the position of projection '" + projection + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void commit(String projection, Position position, Change<Connection> change)
            throws Exception {
        Connection c = connection();
        try {
            if (change != null) {
                change.apply(c);
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE
                    + " (projection, commit_position, prepare_position) VALUES (?, ?, ?) ON CONFLICT (projection) "
                    + "DO UPDATE SET commit_position = excluded.commit_position, "
                    + "prepare_position = excluded.prepare_position")) {
                s.setString(1, projection);
                s.setLong(2, position.commit());
                s.setLong(3, position.prepare());
                s.executeUpdate();
            }
            c.commit();
        } catch (Exception e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
