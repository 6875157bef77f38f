package dev.cairn.eventsourcing.crash;

import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.eventsourcing.EventCodec;
import dev.cairn.eventsourcing.EventRegistry;
import dev.cairn.eventsourcing.Selection;
import dev.cairn.eventsourcing.StoredEvent;
import dev.cairn.eventsourcing.projection.JdbcViewStore;
import dev.cairn.eventsourcing.projection.Projection;
import dev.cairn.eventsourcing.projection.ProjectionRunner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

/**
 * The process {@link ProjectionCrashTest} kills: opens the store, runs a projection into SQLite
 * that counts every event it applies (per event id, and per stream), slowly, and exits 0 once the
 * view has caught up with the whole log. Prints "applying" for each event so the test knows it is
 * at work, and "done" at the end.
 *
 * <p>Arguments: store directory, SQLite file.
 */
public final class ProjectionProcessMain {

    /** The crash test's one event type. */
    public record Counted(int n) {
    }

    static final EventRegistry REGISTRY = EventRegistry.builder().register("Counted", Counted.class).build();

    private ProjectionProcessMain() {
    }

    static Projection<Connection> counting() {
        return new Projection<>() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public Selection selection() {
                return Selection.eventTypes("Counted");
            }

            @Override
            public void apply(StoredEvent<?> event, Connection db) throws Exception {
                try (PreparedStatement s = db.prepareStatement("INSERT INTO applied (event_id, times) VALUES (?, 1) "
                        + "ON CONFLICT (event_id) DO UPDATE SET times = times + 1")) {
                    s.setString(1, event.id().toString());
                    s.executeUpdate();
                }
                try (PreparedStatement s = db.prepareStatement("INSERT INTO per_stream (stream, n) VALUES (?, 1) "
                        + "ON CONFLICT (stream) DO UPDATE SET n = n + 1")) {
                    s.setString(1, event.stream().value());
                    s.executeUpdate();
                }
                System.out.println("applying");
                Thread.sleep(1); // a wide window for the kill to land in
            }
        };
    }

    public static void main(String[] args) throws Exception {
        Path storeDir = Path.of(args[0]);
        String url = "jdbc:sqlite:" + args[1];
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS applied (event_id TEXT PRIMARY KEY, times INTEGER)");
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS per_stream (stream TEXT PRIMARY KEY, n INTEGER)");
        }
        try (EventStore store = Cairn.open(CairnOptions.builder(storeDir).segmentSize(8L << 20).maxEventSize(1L << 20).build());
                JdbcViewStore view = new JdbcViewStore(() -> DriverManager.getConnection(url))) {
            List<ResolvedEvent> last = store.readAllToList(ReadAllOptions.backwards().maxCount(1)
                    .filter(Selection.eventTypes("Counted").filter()));
            Position end = last.get(0).position();
            System.out.println("started");
            ProjectionRunner<Connection> runner = ProjectionRunner.start(store, new EventCodec(REGISTRY), counting(), view);
            runner.waitFor(end, Duration.ofMinutes(5));
            runner.stop();
            System.out.println("done");
        }
    }
}
