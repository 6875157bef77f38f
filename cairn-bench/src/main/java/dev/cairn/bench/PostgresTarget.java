package dev.cairn.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * PostgreSQL as an event store, the way most applications build one: one table, a row per event.
 *
 * <pre>
 * bench_events(global_position bigserial primary key, stream_name text, stream_version bigint,
 *              event_id uuid unique, event_type text, data jsonb, metadata jsonb (null here),
 *              created_at timestamptz default now(), unique (stream_name, stream_version))
 * </pre>
 *
 * <p>An append is one transaction on the writer's own connection: {@code SELECT max(stream_version)}
 * of the stream (the expected version: the workloads append with "any"), then one multi-row
 * {@code INSERT} of the events at that version + 1, + 2, ..., then {@code COMMIT}. A unique violation
 * on {@code (stream_name, stream_version)} means another writer appended to the stream in between:
 * a conflict; the transaction is rolled back and the append retried with the version read again,
 * as an "any" append must succeed (the retries are inside the append's timed latency, and counted).
 * Reads: a stream is one {@code SELECT ... WHERE stream_name = ? ORDER BY stream_version}; the
 * global log is read in pages of {@link #PAGE} rows by {@code global_position > last ORDER BY
 * global_position LIMIT}. Closing drops the table (and stops the server, if this target started it).
 */
final class PostgresTarget implements BenchTarget {

    static final String TABLE = "bench_events";
    static final int PAGE = ReadWorkload.ALL_STEP;
    private static final String VERSION_CONSTRAINT = TABLE + "_stream_version_unique";

    private final String url;
    private final AutoCloseable server;
    private final AtomicLong conflicts = new AtomicLong();
    private final String settings;

    private PostgresTarget(String url, AutoCloseable server, String settings) {
        this.url = url;
        this.server = server;
        this.settings = settings;
    }

    /** Uses the database at {@code url}: (re)creates the table, empty; {@code server} (may be null) is closed last. */
    static PostgresTarget open(String url, AutoCloseable server) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (global_position bigserial PRIMARY KEY, stream_name text NOT NULL, "
                    + "stream_version bigint NOT NULL, event_id uuid NOT NULL UNIQUE, event_type text NOT NULL, "
                    + "data jsonb NOT NULL, metadata jsonb, created_at timestamptz NOT NULL DEFAULT now(), "
                    + "CONSTRAINT " + VERSION_CONSTRAINT + " UNIQUE (stream_name, stream_version))");
            List<String> shown = new ArrayList<>();
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method",
                    "full_page_writes", "shared_buffers", "max_connections")) {
                try (ResultSet r = s.executeQuery("SHOW " + name)) {
                    r.next();
                    shown.add(name + "=" + r.getString(1));
                }
            }
            return new PostgresTarget(url, server, String.join(", ", shown));
        }
    }

    /** Starts a throwaway server ({@link PostgresServer}) under {@code parent}; closing stops it. */
    static PostgresTarget start(java.nio.file.Path parent) throws Exception {
        PostgresServer server = PostgresServer.start(parent);
        try {
            return open(server.jdbcUrl(), server);
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    @Override
    public String system() {
        return "postgres";
    }

    @Override
    public String description() {
        return "postgres: table " + TABLE + " (bigserial global position, unique (stream_name, stream_version), "
                + "unique event_id uuid, jsonb data); an append = SELECT max(stream_version) + one multi-row INSERT + "
                + "COMMIT on the writer's own JDBC connection, a unique violation retried with the version read again; "
                + "server: " + settings;
    }

    /** Appends retried after a version conflict so far. */
    long conflicts() {
        return conflicts.get();
    }

    @Override
    public Writers writers(int count, BenchEvents events) throws SQLException {
        List<Writer> writers = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                writers.add(new Writer(DriverManager.getConnection(url)));
            }
        } catch (SQLException e) {
            for (Writer w : writers) {
                w.connection.close();
            }
            throw e;
        }
        WriteWorkload.Target target = (writer, n) -> {
            String stream = events.nextStream().value();
            String[] data = new String[n];
            for (int i = 0; i < n; i++) {
                data[i] = events.randomPayloadText();
            }
            return () -> writers.get(writer).append(stream, data);
        };
        return new Writers(target, () -> {
            for (Writer w : writers) {
                w.connection.close();
            }
        });
    }

    /** One writer's connection and its statements; used by one thread at a time. */
    private final class Writer {
        final Connection connection;
        final PreparedStatement version;
        final Map<Integer, PreparedStatement> inserts = new HashMap<>();

        Writer(Connection connection) throws SQLException {
            this.connection = connection;
            connection.setAutoCommit(false);
            this.version = connection.prepareStatement("SELECT max(stream_version) FROM " + TABLE
                    + " WHERE stream_name = ?");
        }

        void append(String stream, String[] data) throws SQLException {
            PreparedStatement insert = inserts.computeIfAbsent(data.length, this::insert);
            while (true) {
                try {
                    version.setString(1, stream);
                    long next;
                    try (ResultSet r = version.executeQuery()) {
                        r.next();
                        long last = r.getLong(1);
                        next = r.wasNull() ? 0 : last + 1;
                    }
                    int p = 1;
                    for (int i = 0; i < data.length; i++) {
                        insert.setString(p++, stream);
                        insert.setLong(p++, next + i);
                        insert.setObject(p++, BenchEvents.randomId());
                        insert.setString(p++, BenchEvents.TYPE);
                        insert.setString(p++, data[i]);
                    }
                    insert.executeUpdate();
                    connection.commit();
                    return;
                } catch (SQLException e) {
                    connection.rollback();
                    if (!isVersionConflict(e)) {
                        throw e;
                    }
                    conflicts.incrementAndGet();
                }
            }
        }

        private PreparedStatement insert(int events) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE
                    + " (stream_name, stream_version, event_id, event_type, data) VALUES ");
            for (int i = 0; i < events; i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?::jsonb)");
            }
            try {
                return connection.prepareStatement(sql.toString());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the insert of " + events + " events: " + e, e);
            }
        }
    }

    private static boolean isVersionConflict(SQLException e) {
        return PSQLState.UNIQUE_VIOLATION.getState().equals(e.getSQLState()) && e instanceof PSQLException p
                && p.getServerErrorMessage() != null
                && VERSION_CONSTRAINT.equals(p.getServerErrorMessage().getConstraint());
    }

    @Override
    public ReadWorkload.Result readStreams(BenchEvents streams) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement read = c.prepareStatement("SELECT global_position, stream_version, event_id, "
                        + "event_type, data, metadata, created_at FROM " + TABLE
                        + " WHERE stream_name = ? ORDER BY stream_version")) {
            long count = 0;
            long bytes = 0;
            int found = 0;
            Histogram latency = ReadWorkload.histogram();
            long start = System.nanoTime();
            for (int i = 0; i < streams.streamCount(); i++) {
                long t0 = System.nanoTime();
                read.setString(1, streams.stream(i).value());
                long before = count;
                try (ResultSet r = read.executeQuery()) {
                    while (r.next()) {
                        bytes += row(r);
                        count++;
                    }
                }
                latency.recordValue(System.nanoTime() - t0);
                found += count > before ? 1 : 0;
            }
            long nanos = System.nanoTime() - start;
            return new ReadWorkload.Result(Fmt.f("stream reads (%,d queries, %,d streams found and read fully)",
                    streams.streamCount(), found), ReadWorkload.blackhole(count, bytes), nanos, latency);
        }
    }

    @Override
    public ReadWorkload.Result readAll(long limit) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement page = c.prepareStatement("SELECT global_position, stream_name, stream_version, "
                        + "event_id, event_type, data, metadata, created_at FROM " + TABLE
                        + " WHERE global_position > ? ORDER BY global_position LIMIT ?")) {
            long count = 0;
            long bytes = 0;
            long last = 0;
            ReadWorkload.StepClock clock = new ReadWorkload.StepClock();
            long start = System.nanoTime();
            while (count < limit) {
                page.setLong(1, last);
                page.setInt(2, (int) Math.min(PAGE, limit - count));
                int rows = 0;
                try (ResultSet r = page.executeQuery()) {
                    while (r.next()) {
                        last = r.getLong(1);
                        bytes += row(r);
                        count++;
                        rows++;
                        clock.event();
                    }
                }
                if (rows == 0) {
                    break; // the end of the log
                }
            }
            long nanos = System.nanoTime() - start;
            return new ReadWorkload.Result(ReadWorkload.allWhat(limit) + Fmt.f(", pages of %,d rows", PAGE),
                    ReadWorkload.blackhole(count, bytes), nanos, clock.latency());
        }
    }

    /** Takes every column of a read row as an application would; the characters of its type, data and metadata. */
    private static long row(ResultSet r) throws SQLException {
        UUID id = r.getObject("event_id", UUID.class);
        long version = r.getLong("stream_version");
        String type = r.getString("event_type");
        String data = r.getString("data");
        String metadata = r.getString("metadata");
        Timestamp created = r.getTimestamp("created_at");
        if (id == null || version < 0 || created == null) {
            throw new IllegalStateException("a row without id, version or timestamp at " + r.getLong(1));
        }
        return type.length() + data.length() + (metadata == null ? 0 : metadata.length());
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
