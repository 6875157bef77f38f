package dev.cairn.eventsourcing.projection;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC projection contract on SQLite (a database file per test). */
class SqliteProjectionTest extends JdbcProjectionContract {

    @TempDir
    Path dir;

    @Override
    String freshDatabase() {
        return "jdbc:sqlite:" + dir.resolve("view.db");
    }
}
