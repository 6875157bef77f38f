package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cairn.server.SecureTestNode;
import dev.cairn.server.TestNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official KurrentDB Node client against a node in this process: a second language that speaks
 * the wire contract. Runs {@code src/test/node/smoke.mjs} and the README's Node quickstart
 * ({@code quickstart.mjs}), and {@code more.mjs} (projections, AppendRecords) against a node running
 * user projections, from a copy in {@code target/node-smoke}, after {@code npm ci} installs
 * the locked client there. Needs {@code node} and {@code npm} on the PATH, and fails, rather than
 * skips, without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeClientSmokeTest {

    private static final Path SOURCE = Paths.get("src", "test", "node");
    private static final Path WORK = Paths.get("target", "node-smoke");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", ".npmrc", "smoke.mjs",
            "quickstart.mjs", "more.mjs");
    private static final long NPM_TIMEOUT_MINUTES = 5;
    private static final long SMOKE_TIMEOUT_MINUTES = 2;

    TestNode node;
    String nodeExe;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        nodeExe = onPath("node");
        String npmExe = onPath("npm");
        copySources();
        Result install = run(List.of(npmExe, "ci", "--no-audit", "--no-fund", "--ignore-scripts"),
                Map.of(), NPM_TIMEOUT_MINUTES);
        if (install.exit != 0) {
            fail("npm ci failed with exit " + install.exit + ":\n" + install.output);
        }
        node = TestNode.start(dir);
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Runs a script of {@code src/test/node} against the node; its output after it exited 0. */
    private String runScript(String script) throws Exception {
        return runScript(script, node.connectionString());
    }

    private String runScript(String script, String connectionString) throws Exception {
        Result result = run(List.of(nodeExe, script),
                Map.of("KURRENTDB_CONNECTION_STRING", connectionString), SMOKE_TIMEOUT_MINUTES);
        System.out.print(result.output);
        assertThat(result.exit).as("exit of node %s; output:\n%s", script, result.output).isZero();
        return result.output;
    }

    @Test
    void nodeClientAppendsAndReads() throws Exception {
        String output = runScript("smoke.mjs");
        assertThat(output.lines().toList()).as("output of node smoke.mjs:\n%s", output).contains("node smoke: ok");
    }

    @Test
    void nodeClientOverTlsWithCredentials(@TempDir Path dir) throws Exception {
        // a secure node: TLS with a CA made by `cairn certs`, the client trusting it by tlsCAFile
        try (SecureTestNode secure = SecureTestNode.start(dir)) {
            String output = runScript("smoke.mjs", secure.connectionString("admin", "changeit"));
            assertThat(output.lines().toList()).as("output of node smoke.mjs over TLS:\n%s", output)
                    .contains("node smoke: ok");
        }
    }

    @Test
    void nodeClientManagesProjectionsAndChecksRevisions(@TempDir Path dir) throws Exception {
        // AppendRecords and MultiStreamAppend, and a projection that emits and tracks its streams,
        // on a node with user projections (--run-projections=all)
        try (TestNode projections = TestNode.start(TestNode.optionsBuilder(dir).userProjections(true).build())) {
            String output = runScript("more.mjs", projections.connectionString());
            assertThat(output.lines().toList()).as("output of node more.mjs:\n%s", output).contains("node more: ok");
        }
    }

    @Test
    void readmeQuickstartRunsAsTheReadmeSays() throws Exception {
        assertThat(runScript("quickstart.mjs").lines()).containsExactly("0 OrderPlaced {\"total\":99.5}");
    }

    /** The executable of that name on the PATH; fails the test when there is none. */
    private static String onPath(String name) {
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        List<String> candidates = windows ? List.of(name + ".cmd", name + ".exe", name) : List.of(name);
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            for (String candidate : candidates) {
                Path file = Paths.get(entry, candidate);
                if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                    return file.toString();
                }
            }
        }
        return fail("'" + name + "' was not found on the PATH (" + path + "); the Node client smoke test"
                + " needs Node.js 20+ with npm installed");
    }

    /** Copies the sources into target/node-smoke, keeping any node_modules installed there before. */
    private static void copySources() throws IOException {
        Files.createDirectories(WORK);
        for (String file : FILES) {
            Files.copy(SOURCE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env, long timeoutMinutes)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("node-smoke", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                kill(process);
                return fail(String.join(" ", command) + " did not finish within " + timeoutMinutes
                        + " min; output:\n" + read(log));
            }
            return new Result(process.exitValue(), read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void kill(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>();
        try (Stream<ProcessHandle> descendants = process.descendants()) {
            descendants.forEach(tree::add);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static String nullDevice() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "NUL" : "/dev/null";
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
