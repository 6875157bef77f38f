package dev.cairn.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL server with PostgreSQL's default durability, started by the repository's
 * {@code scripts/postgres.sh start PORT --durable --parent DIR}: installed from Debian's packages if
 * missing (as root), a new cluster in a temporary directory under {@code DIR}, listening on a free
 * loopback port. {@link #close()} stops it and deletes the directory. Not thread-safe.
 */
final class PostgresServer implements AutoCloseable {

    private static final String SCRIPT = "scripts/postgres.sh";
    private static final long START_TIMEOUT_SECONDS = TimeUnit.MINUTES.toSeconds(15);

    private final Path script;
    private final Path parent;
    private final String dir;
    private final int port;

    private PostgresServer(Path script, Path parent, String dir, int port) {
        this.script = script;
        this.parent = parent;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server whose cluster lives under {@code parent}; fails with the script's message if it cannot. */
    static PostgresServer start(Path parent) throws IOException, InterruptedException {
        Path script = script();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String dir = run(START_TIMEOUT_SECONDS, script.toString(), "start", Integer.toString(port), "--durable",
                "--parent", parent.toAbsolutePath().toString()).strip();
        return new PostgresServer(script, parent, dir, port);
    }

    /** The JDBC URL of the server's {@code postgres} database as its superuser {@code cairn}. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=cairn";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(120, script.toString(), "stop", dir);
        try {
            Files.deleteIfExists(parent);
        } catch (DirectoryNotEmptyException e) {
            // someone else's clusters or files: leave them
        }
    }

    /**
     * {@code scripts/postgres.sh} of this checkout: under the directory named by the system
     * property {@code cairn.root}, else the nearest above this code's jar or classes, else above the
     * working directory.
     */
    static Path script() {
        List<Path> starts = new ArrayList<>();
        String root = System.getProperty("cairn.root");
        if (root != null) {
            starts.add(Path.of(root));
        }
        try {
            starts.add(Path.of(PostgresServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (an unusual class loader): the working directory still counts
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
                Path candidate = p.resolve(SCRIPT);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("cannot find " + SCRIPT + " above " + starts
                + "; run from the Cairn checkout or set -Dcairn.root=DIR");
    }

    /** Runs the script; its standard output, or an exception with everything it printed. */
    private static String run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("postgres-script", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err) + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
