package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.protocol.operations.OperationsGrpc;
import dev.cairn.protocol.shared.Empty;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn start} as a real process: it refuses to run without TLS or {@code --insecure},
 * serves when ready, refuses a data directory another node holds, and stops on SIGTERM with exit
 * code 0 within 5 seconds, or on the {@code Shutdown} operation with exit code 0.
 */
class StartCommandTest {

    private static final Pattern READY = Pattern.compile("Cairn is ready: .*:(\\d+) ");

    @TempDir
    Path tmp;

    /**
     * A {@code cairn} process started with the test's classpath, its output going to a file
     * (not a pipe: {@link Process#destroy()} closes the pipes, losing what the node logs while it
     * stops).
     */
    private record Node(Process process, Path log) {

        static Node start(Path dir, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            command.addAll(List.of(args));
            Path log = Files.createTempFile(dir, "node", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
            return new Node(builder.start(), log);
        }

        /** Waits for the ready line and returns the port it names. */
        int awaitReady() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                Matcher m = READY.matcher(output());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("node did not become ready; output: " + output());
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited; output: %s", output()).isTrue();
            return process.exitValue();
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void withoutInsecureItRefusesToStartBecauseTlsIsNotConfigured() throws Exception {
        Node node = Node.start(tmp, "start", "--db", tmp.resolve("db").toString(), "--port", "0");
        assertThat(node.awaitExit()).isEqualTo(2);
        assertThat(node.output()).contains("TLS is not configured").contains("--certificate-file")
                .contains("--insecure");
        assertThat(tmp.resolve("db")).doesNotExist();
    }

    @Test
    void servesUntilSigtermThenExitsZeroAndASecondNodeOnTheSameDbFailsFast() throws Exception {
        Path db = tmp.resolve("db");
        Node node = Node.start(tmp, "start", "--insecure", "--db", db.toString(), "--port", "0");
        try {
            int port = node.awaitReady();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<Void> live = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(live.statusCode()).isEqualTo(204);
            }

            Node second = Node.start(tmp, "start", "--insecure", "--db", db.toString(), "--port", "0");
            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(second.output()).contains("is in use by another Cairn process");

            long stopAt = System.nanoTime();
            node.process().destroy(); // SIGTERM
            assertThat(node.awaitExit()).isZero();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAt)).isLessThan(5_000);
            assertThat(node.output()).contains("Cairn stopped");
        } finally {
            node.process().destroyForcibly();
        }
        // the lock was released: the store opens again
        assertThat(Files.exists(db.resolve("LOCK"))).isTrue();
        Node again = Node.start(tmp, "start", "--insecure", "--db", db.toString(), "--port", "0");
        try {
            again.awaitReady();
            again.process().destroy();
            assertThat(again.awaitExit()).isZero();
        } finally {
            again.process().destroyForcibly();
        }
    }

    @Test
    void theShutdownOperationStopsTheProcessWithExitCodeZero() throws Exception {
        Node node = Node.start(tmp, "start", "--insecure", "--db", tmp.resolve("db").toString(), "--port", "0");
        try {
            int port = node.awaitReady();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                OperationsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .shutdown(Empty.getDefaultInstance());
            } finally {
                channel.shutdownNow();
            }
            assertThat(node.awaitExit()).isZero();
            assertThat(node.output()).contains("Cairn stopped");
        } finally {
            node.process().destroyForcibly();
        }
    }

    @Test
    void aMissingCertificateStopsTheStartWithAClearMessage() throws Exception {
        // in this process: the start fails before it touches signals or the store
        TestCerts certs = TestCerts.create(tmp.resolve("certs"));
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.run("start", "--db", tmp.resolve("db").toString(), "--port", "0",
                    "--certificate-file", tmp.resolve("no-such.crt").toString(),
                    "--certificate-private-key-file", certs.nodeKey().toString());
        } finally {
            System.setErr(err);
        }
        assertThat(code).isEqualTo(2);
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("cairn start: certificate file").contains("no-such.crt").contains("does not exist");
        assertThat(tmp.resolve("db")).doesNotExist();
    }

    private Node startWithCertificates(TestCerts certs) throws IOException {
        return Node.start(tmp, "start", "--db", tmp.resolve("db").toString(), "--port", "0",
                "--certificate-file", certs.nodeCertificate().toString(),
                "--certificate-private-key-file", certs.nodeKey().toString(),
                "--trusted-root-certificates-path", certs.caCertificate().toString());
    }

    /** {@code GET /health/live} over HTTPS, trusting {@code ca}: the status. */
    private static int liveOverTls(int port, Path ca) throws Exception {
        try (HttpClient https = HttpClient.newBuilder()
                .sslContext(dev.cairn.server.tls.TlsRoundTripTest.trusting(ca)).build()) {
            return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health/live")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void withCertificatesItServesTls() throws Exception {
        TestCerts certs = TestCerts.create(tmp.resolve("certs"));
        Node node = startWithCertificates(certs);
        try {
            int port = node.awaitReady();
            assertThat(node.output()).contains("https://").contains("(TLS)");
            assertThat(liveOverTls(port, certs.caCertificate())).isEqualTo(204);
            // no initial passwords were given: admin and ops have changeit, and the node says so
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!node.output().contains("'ops' still has the default password") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(node.output()).contains("created the default user 'admin'")
                    .contains("the user 'admin' still has the default password 'changeit'")
                    .contains("the user 'ops' still has the default password 'changeit'");
            node.process().destroy();
            assertThat(node.awaitExit()).isZero();
        } finally {
            node.process().destroyForcibly();
        }
    }

    @Test
    void sighupReloadsTheCertificatesAndTheNodeGoesOn() throws Exception {
        TestCerts certs = TestCerts.create(tmp.resolve("certs"));
        Node node = startWithCertificates(certs);
        try {
            int port = node.awaitReady();
            TestCerts renewed = TestCerts.create(tmp.resolve("renewed"));
            Files.copy(renewed.nodeCertificate(), certs.nodeCertificate(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.nodeKey(), certs.nodeKey(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.caCertificate(), certs.caCertificate(), StandardCopyOption.REPLACE_EXISTING);
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(node.process().pid())).start();
            assertThat(kill.waitFor()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!node.output().contains("reloaded the certificates") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(node.output()).contains("SIGHUP received").contains("reloaded the certificates");
            assertThat(liveOverTls(port, renewed.caCertificate())).isEqualTo(204);
            node.process().destroy();
            assertThat(node.awaitExit()).isZero();
        } finally {
            node.process().destroyForcibly();
        }
    }
}
