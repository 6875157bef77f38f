package dev.cairn.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.CairnServer;
import dev.cairn.server.TestCerts;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node serving TLS with a certificate made by {@code cairn certs}: the official Java client
 * connects trusting the CA file ({@code tlsCAFile}) and without verifying
 * ({@code tlsVerifyCert=false}); a client that trusts neither is refused in the handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class TlsRoundTripTest {

    CairnServer server;
    TestCerts certs;

    @BeforeAll
    void start(@TempDir Path dir) {
        certs = TestCerts.create(dir.resolve("certs"));
        CairnOptions options = CairnOptions.builder(dir.resolve("db")).segmentSize(8L << 20).maxEventSize(1L << 20)
                .build();
        server = CairnServer.start(Cairn.open(options), 0, options.maxAppendSize(), options.maxEventSize(),
                NodeTls.load(certs.settings(), Clock.systemUTC()));
    }

    @AfterAll
    void stop() {
        server.stop();
    }

    private void roundTrip(String query) throws Exception {
        String connection = "kurrentdb://127.0.0.1:" + server.port() + "?" + query;
        KurrentDBClient client = KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connection));
        try {
            String stream = "tls-" + UUID.randomUUID();
            client.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()),
                    EventDataBuilder.json("Sealed", "{\"over\":\"tls\"}".getBytes(StandardCharsets.UTF_8)).build())
                    .get();
            List<ResolvedEvent> events = client.readStream(stream, ReadStreamOptions.get()).get().getEvents();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getEvent().getEventType()).isEqualTo("Sealed");
        } finally {
            client.shutdown().get();
        }
    }

    @Test
    void officialClientTrustingTheCaFile() throws Exception {
        roundTrip("tls=true&tlsCAFile=" + certs.caCertificate());
    }

    @Test
    void officialClientWithoutVerifyingTheCertificate() throws Exception {
        roundTrip("tls=true&tlsVerifyCert=false");
    }

    @Test
    void httpsServesHealthToClientsThatTrustTheCaAndRefusesOthers() throws Exception {
        URI live = URI.create("https://127.0.0.1:" + server.port() + "/health/live");
        try (HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certs.caCertificate())).build()) {
            assertThat(trusting.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(204);
        }
        try (HttpClient stranger = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> stranger.send(HttpRequest.newBuilder(live).build(),
                    HttpResponse.BodyHandlers.discarding())).isInstanceOf(SSLHandshakeException.class);
        }
    }

    public static SSLContext trusting(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
