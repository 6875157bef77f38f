package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.grpc.ServerFeaturesService;
import dev.cairn.server.grpc.StreamsService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as the connection string asks for it: the node's certificate is trusted through
 * {@code tlsCaFile}, or not checked with {@code tlsVerifyCert=false}, and an untrusted certificate
 * fails the call. The node is Cairn's streams service behind a TLS gRPC server, with a self-signed
 * certificate for 127.0.0.1 made by the JDK's keytool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {

    Path dir;
    EventStore store;
    Server server;
    Path caFile;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path keystore = dir.resolve("node.p12");
        caFile = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "node", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", caFile.toString());

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());

        CairnOptions options = CairnOptions.builder(dir.resolve("data")).segmentSize(8L << 20)
                .maxEventSize(1L << 20).maxAppendSize(4L << 20).build();
        store = Cairn.open(options);
        server = NettyServerBuilder.forPort(0)
                .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(kmf)).build())
                .addService(new StreamsService(store, options.maxAppendSize(), options.maxEventSize(), 100).definition())
                .addService(new ServerFeaturesService())
                .build().start();
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    @AfterAll
    void stop() {
        server.shutdownNow();
        store.close();
    }

    private void appendThrough(String connectionString) {
        try (CairnClient client = CairnClient.connect(connectionString)) {
            assertThat(client.append(StreamName.of("tls-" + System.nanoTime()), StreamState.noStream(),
                    List.of(EventData.json("E", "{}"))).nextExpectedRevision()).isZero();
        }
    }

    @Test
    void aCertificateAuthorityFileMakesTheNodeTrusted() {
        appendThrough("kurrentdb://127.0.0.1:" + server.getPort() + "?tlsCaFile=" + caFile);
    }

    @Test
    void certificatesGoUncheckedWhenVerificationIsOff() {
        appendThrough("kurrentdb://127.0.0.1:" + server.getPort() + "?tlsVerifyCert=false");
    }

    @Test
    void anUntrustedCertificateFailsTheCall() {
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + server.getPort()
                + "?maxDiscoverAttempts=1")) {
            assertThatThrownBy(() -> client.append(StreamName.of("untrusted"), StreamState.any(),
                    List.of(EventData.json("E", "{}")))).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void plainTextToATlsNodeFails() {
        try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:" + server.getPort()
                + "?tls=false&maxDiscoverAttempts=1")) {
            assertThatThrownBy(() -> client.append(StreamName.of("plain"), StreamState.any(),
                    List.of(EventData.json("E", "{}")))).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
