package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.Acl;
import dev.cairn.api.EventData;
import dev.cairn.api.NotAuthenticatedException;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.security.Security;
import dev.cairn.engine.security.SecurityOptions;
import dev.cairn.server.CairnServer;
import dev.cairn.server.tls.CertificateAuthority;
import dev.cairn.server.tls.PemFiles;
import dev.cairn.server.tls.TlsSettings;
import dev.cairn.server.tls.NodeTls;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a secure Cairn node, as {@code cairn start} runs one without
 * {@code --insecure}: TLS with a node certificate from Cairn's own CA code, users and stream ACLs. Checks
 * that credentials are sent, per client and per call, and that refusals come back as the API's
 * exceptions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureNodeTest {

    CairnServer server;
    Path ca;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        // a CA and a node certificate for 127.0.0.1, as `cairn certs` makes them
        Instant now = Instant.now();
        CertificateAuthority authority = CertificateAuthority.create("Cairn test CA", now);
        CertificateAuthority.Issued node = authority.issueNode("node", List.of(InetAddress.getByName("127.0.0.1")),
                List.of("localhost"), now);
        ca = dir.resolve("ca.crt");
        PemFiles.writeCertificate(ca, authority.certificate());
        PemFiles.writeCertificate(dir.resolve("node.crt"), node.certificate());
        PemFiles.writePrivateKey(dir.resolve("node.key"), node.key());
        TlsSettings tls = new TlsSettings(dir.resolve("node.crt"), dir.resolve("node.key"), ca);

        CairnOptions options = CairnOptions.builder(dir.resolve("db")).segmentSize(8L << 20).maxEventSize(1L << 20)
                .maxAppendSize(4L << 20).build();
        var store = Cairn.open(options);
        Security security = Security.open(store, SecurityOptions.builder()
                .passwordIterations(SecurityOptions.MIN_PASSWORD_ITERATIONS).build());
        security.users(Principal.user("admin", Set.of(Principal.ADMINS)))
                .createUser("alice", "Alice", List.of(), "alice-secret");
        server = CairnServer.start(store, 0, options.maxAppendSize(), options.maxEventSize(),
                NodeTls.load(tls, Clock.systemUTC()), security, null);
    }

    @AfterAll
    void stop() {
        server.stop();
    }

    private String connectionString(String credentials) {
        return "kurrentdb://" + credentials + "127.0.0.1:" + server.port() + "?tlsCaFile=" + ca;
    }

    @Test
    void theAdminWorksOverTlsAndAliceIsRefusedWhereTheAclSaysSo() {
        StreamName secret = StreamName.of("secret-" + System.nanoTime());
        try (CairnClient admin = CairnClient.connect(connectionString("admin:changeit@"))) {
            admin.append(secret, StreamState.noStream(), List.of(EventData.json("Classified", "{}")));
            admin.setStreamMetadata(secret, StreamState.any(), StreamMetadata.EMPTY.withAcl(
                    new Acl(List.of("$admins"), List.of("$admins"), null, null, null)));
            assertThat(admin.readStreamToList(secret, ReadStreamOptions.forwards())).hasSize(1);

            CairnClient alice = admin.withCredentials(new UserCredentials("alice", "alice-secret"));
            assertThatThrownBy(() -> alice.readStreamToList(secret, ReadStreamOptions.forwards()))
                    .isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> alice.append(secret, StreamState.any(), List.of(EventData.json("Leak", "{}"))))
                    .isInstanceOf(AccessDeniedException.class);
            StreamName open = StreamName.of("open-" + System.nanoTime());
            assertThat(alice.append(open, StreamState.noStream(), List.of(EventData.json("Fine", "{}")))
                    .nextExpectedRevision()).isZero();
        }
    }

    @Test
    void wrongCredentialsAreNotAuthenticated() {
        try (CairnClient intruder = CairnClient.connect(connectionString("admin:guess@"))) {
            assertThatThrownBy(() -> intruder.append(StreamName.of("x"), StreamState.any(),
                    List.of(EventData.json("E", "{}")))).isInstanceOf(NotAuthenticatedException.class);
        }
    }
}
