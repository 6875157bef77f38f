package dev.cairn.eventsourcing.projection;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JDBC projection contract on a real PostgreSQL server, which the repository's shared
 * {@code scripts/postgres.sh} installs from Debian's packages if needed and starts on a free
 * loopback port in a temporary directory (fsync off: its data is thrown away); each test gets a
 * new database. If the server cannot be installed or started, the
 * tests fail with the script's message: they are never skipped.
 */
class PostgresProjectionTest extends JdbcProjectionContract {

    static final Path SCRIPT = Path.of("..", "scripts", "postgres.sh").toAbsolutePath();
    static final AtomicInteger DATABASES = new AtomicInteger();
    static int port;
    static String dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        dir = run(TimeUnit.MINUTES.toSeconds(15), SCRIPT.toString(), "start", Integer.toString(port)).strip();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (dir != null) {
            run(120, SCRIPT.toString(), "stop", dir);
        }
    }

    static String admin() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=cairn";
    }

    @Override
    String freshDatabase() throws Exception {
        String name = "view_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(admin()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=cairn";
    }

    /** Runs the script; its standard output, or an AssertionError with everything it printed. */
    static String run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("postgres-script", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err) + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
