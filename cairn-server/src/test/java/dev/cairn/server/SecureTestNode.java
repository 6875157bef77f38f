package dev.cairn.server;

import dev.cairn.engine.Cairn;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.security.Security;
import dev.cairn.engine.security.SecurityOptions;
import dev.cairn.server.security.LoginThrottle;
import dev.cairn.server.tls.NodeTls;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A secure node in this process, as {@code cairn start} runs one without {@code --insecure}: TLS
 * with certificates from {@code cairn certs} (the CA also trusted for client certificates), users
 * and ACLs on. Password hashing uses the minimum iteration count to keep tests fast. Clients are
 * made for given credentials and closed with the node.
 */
public final class SecureTestNode implements AutoCloseable {

    public final CairnServer server;
    public final Security security;
    public final TestCerts certs;
    private final List<KurrentDBClient> clients = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    private SecureTestNode(CairnServer server, Security security, TestCerts certs) {
        this.server = server;
        this.security = security;
        this.certs = certs;
    }

    public static SecureTestNode start(Path dir) {
        return start(dir, null);
    }

    public static SecureTestNode start(Path dir, LoginThrottle throttle) {
        return start(dir, throttle, false);
    }

    /** A secure node that runs the standard projections. */
    public static SecureTestNode startWithProjections(Path dir) {
        return start(dir, null, true);
    }

    private static SecureTestNode start(Path dir, LoginThrottle throttle, boolean projections) {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        CairnOptions options = CairnOptions.builder(dir.resolve("db")).segmentSize(8L << 20).maxEventSize(1L << 20)
                .maxAppendSize(TestNode.MAX_APPEND_SIZE).standardProjections(projections).build();
        var store = Cairn.open(options);
        Security security = Security.open(store, SecurityOptions.builder()
                .passwordIterations(SecurityOptions.MIN_PASSWORD_ITERATIONS).build());
        CairnServer server = CairnServer.start(store, 0, options.maxAppendSize(), options.maxEventSize(),
                NodeTls.load(certs.settings(), Clock.systemUTC()), security, throttle);
        return new SecureTestNode(server, security, certs);
    }

    public int port() {
        return server.port();
    }

    /** The connection string with these credentials (none when {@code user} is null). */
    public String connectionString(String user, String password) {
        String credentials = user == null ? "" : user + ":" + password + "@";
        return "kurrentdb://" + credentials + "127.0.0.1:" + port() + "?tls=true&tlsCAFile=" + certs.caCertificate();
    }

    /** An official client whose calls carry these credentials (none when {@code user} is null). */
    public KurrentDBClient client(String user, String password) {
        return track(KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString(user, password))));
    }

    /** An official client that authenticates with a client certificate. */
    public KurrentDBClient certificateClient(Path certificate, Path key) {
        return track(KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString(null, null)
                + "&userCertFile=" + certificate + "&userKeyFile=" + key)));
    }

    private synchronized KurrentDBClient track(KurrentDBClient client) {
        clients.add(client);
        return client;
    }

    /** A gRPC channel over TLS trusting the test CA; its calls carry these credentials when given. */
    public synchronized ManagedChannel channel(String user, String password) {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        try {
            tls.trustManager(certs.caCertificate().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var builder = Grpc.newChannelBuilderForAddress("127.0.0.1", port(), tls.build()).overrideAuthority("localhost");
        if (user != null) {
            builder.intercept(basic(user, password));
        }
        ManagedChannel channel = builder.build();
        channels.add(channel);
        return channel;
    }

    public static ClientInterceptor basic(String user, String password) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public synchronized void close() {
        try {
            for (KurrentDBClient c : clients) {
                c.shutdown().join();
            }
            channels.forEach(ManagedChannel::shutdownNow);
        } finally {
            server.stop();
        }
    }
}
