package dev.cairn.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.api.Principal;
import dev.cairn.server.SecureTestNode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every call of a secure node is authenticated, with the official Java client: default and
 * per-call credentials, wrong ones refused with UNAUTHENTICATED (logged without the password),
 * disabled users refused, anonymous calls denied stream access, and guessing slowed down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {

    SecureTestNode node;
    Principal admin;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = SecureTestNode.start(dir);
        admin = node.security.authenticate("admin", "changeit");
        node.security.users(admin).createUser("bob", "Bob", List.of(), "bob-pw");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static EventData event() {
        return EventDataBuilder.json("Happened", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static String stream() {
        return "auth-" + UUID.randomUUID();
    }

    /** The gRPC status a failed client call ended with. */
    static StatusRuntimeException status(Future<?> call) {
        try {
            call.get();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StatusRuntimeException s) {
                    return s;
                }
            }
            return fail("failed without a gRPC status", e);
        }
        return fail("the call succeeded");
    }

    @Test
    void defaultCredentialsAuthenticateEveryCall() throws Exception {
        KurrentDBClient asAdmin = node.client("admin", "changeit");
        String system = "$" + stream();
        asAdmin.appendToStream(system, event()).get();
        assertThat(asAdmin.readStream(system, ReadStreamOptions.get()).get().getEvents()).hasSize(1);
        assertThat(asAdmin.readAll(ReadAllOptions.get().maxCount(5)).get().getEvents()).isNotEmpty();
    }

    @Test
    void wrongCredentialsAreUnauthenticatedAndWriteNothing() throws Exception {
        KurrentDBClient anonymous = node.client(null, null);
        String s = stream();
        StatusRuntimeException wrong = status(anonymous.appendToStream(s,
                AppendToStreamOptions.get().authenticated("admin", "not-the-password"), event()));
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException unknown = status(anonymous.appendToStream(s,
                AppendToStreamOptions.get().authenticated("mallory", "x"), event()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(unknown.getStatus().getDescription()).isEqualTo(wrong.getStatus().getDescription());

        KurrentDBClient asAdmin = node.client("admin", "changeit");
        assertThatThrownBy(() -> asAdmin.readStream(s, ReadStreamOptions.get()).get()).as("nothing was written")
                .hasCauseInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void perCallCredentialsOverrideTheClientsDefault() throws Exception {
        KurrentDBClient asBob = node.client("bob", "bob-pw");
        String system = "$" + stream();
        StatusRuntimeException denied = status(asBob.appendToStream(system, event()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getTrailers().get(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("access-denied");

        asBob.appendToStream(system, AppendToStreamOptions.get().authenticated("admin", "changeit"), event()).get();
        assertThat(asBob.readStream(system, ReadStreamOptions.get().authenticated("admin", "changeit")).get()
                .getEvents()).hasSize(1);
        asBob.appendToStream(stream(), event()).get();
    }

    @Test
    void aDisabledUserIsRefused() throws Exception {
        node.security.users(admin).createUser("carol", "Carol", List.of(), "carol-pw");
        KurrentDBClient asCarol = node.client("carol", "carol-pw");
        asCarol.appendToStream(stream(), event()).get();
        node.security.users(admin).disableUser("carol");
        assertThat(status(asCarol.appendToStream(stream(), event())).getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        node.security.users(admin).enableUser("carol");
        asCarol.appendToStream(stream(), event()).get();
    }

    @Test
    void anonymousCallersMayConnectButNotUseStreams() {
        KurrentDBClient anonymous = node.client(null, null);
        StatusRuntimeException denied = status(anonymous.appendToStream(stream(), event()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(status(anonymous.readStream(stream(), ReadStreamOptions.get())).getStatus().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void failedLoginsAreLoggedWithTheirReasonButNeverThePassword() {
        Logger logger = (Logger) LoggerFactory.getLogger(CallAuthentication.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            KurrentDBClient anonymous = node.client(null, null);
            status(anonymous.appendToStream(stream(), AppendToStreamOptions.get().authenticated("bob", "S3cr3t!guess"),
                    event()));
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains("'bob'").contains("127.0.0.1").contains("wrong password")
                    .doesNotContain("S3cr3t!guess");
        });
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown(@TempDir Path dir) throws Exception {
        LoginThrottle throttle = new LoginThrottle(Clock.systemUTC(), 2, Duration.ofMinutes(1), Duration.ofMillis(600),
                Duration.ofSeconds(5));
        try (SecureTestNode slow = SecureTestNode.start(dir, throttle)) {
            KurrentDBClient anonymous = slow.client(null, null);
            for (int i = 0; i < 3; i++) {
                status(anonymous.appendToStream(stream(), AppendToStreamOptions.get().authenticated("admin", "guess" + i),
                        event()));
            }
            long start = System.nanoTime();
            status(anonymous.appendToStream(stream(), AppendToStreamOptions.get().authenticated("admin", "guess"),
                    event()));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));

            // even the right password waits while the address is suspect; then it clears the record
            start = System.nanoTime();
            anonymous.appendToStream(stream(), AppendToStreamOptions.get().authenticated("admin", "changeit"), event())
                    .get();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
            assertThat(throttle.delayFor(java.net.InetAddress.getLoopbackAddress())).isZero();
        }
    }

    @Test
    void aClientCertificateAuthenticatesTheUserItNames(@TempDir Path dir) throws Exception {
        for (String login : List.of("bob", "zed")) {
            dev.cairn.server.TestCerts.run("certs", "create-user", "--ca-dir", node.certs.caCertificate().getParent()
                    .toString(), "--out", dir.toString(), "--name", login);
        }
        KurrentDBClient asBob = node.certificateClient(dir.resolve("user-bob.crt"), dir.resolve("user-bob.key"));
        asBob.appendToStream(stream(), event()).get();
        assertThat(status(asBob.appendToStream("$" + stream(), event())).getStatus().getCode())
                .as("bob, not an administrator").isEqualTo(Status.Code.PERMISSION_DENIED);

        KurrentDBClient asZed = node.certificateClient(dir.resolve("user-zed.crt"), dir.resolve("user-zed.key"));
        assertThat(status(asZed.appendToStream(stream(), event())).getStatus().getCode())
                .as("no such user").isEqualTo(Status.Code.UNAUTHENTICATED);
    }
}
