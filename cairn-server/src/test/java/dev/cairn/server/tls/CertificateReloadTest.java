package dev.cairn.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.Principal;
import dev.cairn.server.SecureTestNode;
import dev.cairn.server.TestCerts;
import dev.cairn.server.TestNode;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates renewed on a running node, as KurrentDB does them: new files in place of the old,
 * then {@code POST /admin/reloadconfig} by an administrator or operator. New connections get the
 * new certificate and have client certificates checked against the new roots; a connection made
 * before goes on; files that do not pass the start-up checks change nothing.
 */
class CertificateReloadTest {

    private static final String ADMIN = "admin:changeit";

    @Test
    void aReloadServesTheRenewedFilesToNewConnections(@TempDir Path dir) throws Exception {
        try (SecureTestNode node = SecureTestNode.start(dir.resolve("node"))) {
            node.security.users(Principal.user("admin", Set.of(Principal.ADMINS)))
                    .createUser("bob", "Bob", List.of(), "bob-secret");
            Path firstCa = Files.copy(node.certs.caCertificate(), dir.resolve("first-ca.crt"));
            KurrentDBClient before = node.client("admin", "changeit");
            String stream = "renewed-" + UUID.randomUUID();
            before.appendToStream(stream, event()).get();

            TestCerts next = TestCerts.create(dir.resolve("next"));
            assertThat(post(node, firstCa, null).statusCode()).as("no credentials").isEqualTo(401);
            assertThat(post(node, firstCa, "bob:bob-secret").statusCode()).as("not an operator").isEqualTo(401);
            assertThat(get(node, next.caCertificate())).as("still the first certificate")
                    .isInstanceOf(SSLHandshakeException.class);

            // the operator puts the renewed files where the node's options point
            replace(next.nodeCertificate(), node.certs.nodeCertificate());
            replace(next.nodeKey(), node.certs.nodeKey());
            replace(next.caCertificate(), node.certs.caCertificate());
            HttpResponse<String> reloaded = post(node, firstCa, ADMIN);
            assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
            assertThat(reloaded.body()).isEqualTo("OK");

            assertThat(get(node, next.caCertificate())).isEqualTo(204);
            assertThat(get(node, firstCa)).as("the first CA no longer vouches for the node")
                    .isInstanceOf(SSLHandshakeException.class);
            KurrentDBClient after = node.client("admin", "changeit");
            after.appendToStream(stream, event()).get();
            assertThat(after.readStream(stream, ReadStreamOptions.get()).get().getEvents()).hasSize(2);
            before.appendToStream(stream, event()).get(); // its connection was made before: it goes on

            // client certificates are checked against the new roots
            TestCerts.run("certs", "create-user", "--ca-dir", next.caCertificate().getParent().toString(),
                    "--out", dir.resolve("bob").toString(), "--name", "bob");
            KurrentDBClient asBob = node.certificateClient(dir.resolve("bob/user-bob.crt"),
                    dir.resolve("bob/user-bob.key"));
            asBob.appendToStream("bobs-" + UUID.randomUUID(), event()).get();

            // a key that is not the certificate's: refused, and the renewed material stays
            TestCerts.run("certs", "create-node", "--ca-dir", next.caCertificate().getParent().toString(),
                    "--out", dir.resolve("other").toString(), "--ip", "127.0.0.1");
            replace(dir.resolve("other/node.key"), node.certs.nodeKey());
            HttpResponse<String> refused = post(node, next.caCertificate(), ADMIN);
            assertThat(refused.statusCode()).isEqualTo(500);
            assertThat(refused.body()).contains("not reloaded").contains("does not belong to the certificate");
            assertThat(get(node, next.caCertificate())).isEqualTo(204);
            node.client("admin", "changeit").appendToStream(stream, event()).get();
        }
    }

    @Test
    void aPlainTextNodeHasNothingToReload(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.server.port() + "/admin/reloadconfig"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("OK");
            }
            assertThat(node.server.reloadCertificates()).isEmpty();
        }
    }

    @Test
    void theReloadIsAPost(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir); HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.server.port() + "/admin/reloadconfig")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).isEqualTo(405);
        }
    }

    private static EventData event() {
        return EventDataBuilder.json("Renewed", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static void replace(Path from, Path to) throws Exception {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code POST /admin/reloadconfig} over a new connection trusting {@code ca}. */
    private static HttpResponse<String> post(SecureTestNode node, Path ca, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + node.port() + "/admin/reloadconfig"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsRoundTripTest.trusting(ca)).build()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /**
     * {@code GET /health/live} over a new connection trusting {@code ca}: the status, or the
     * exception the connection failed with.
     */
    private static Object get(SecureTestNode node, Path ca) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsRoundTripTest.trusting(ca)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + "/health/live"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (SSLHandshakeException e) {
            return e;
        }
    }
}
