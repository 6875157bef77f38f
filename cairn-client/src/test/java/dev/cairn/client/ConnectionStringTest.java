package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.InvalidArgumentException;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connection strings parse as the official Java client parses them: every string of the table is
 * parsed by both, and every setting must come out the same (the official parser is the oracle).
 */
class ConnectionStringTest {

    static Stream<String> validStrings() {
        List<String> bases = List.of(
                "://localhost",
                "://localhost:2114",
                "://user:pass@localhost:2114",
                "://user:pass@localhost:2114/",
                "://user:pass@localhost:2114/?tlsVerifyCert=false",
                "://user:pass@localhost:2114?tls=false",
                "://admin@localhost",
                "://host1,host2,host3",
                "://host1:1234,host2:4321,host3:3231",
                "://user:pass@host1:1234,host2:4321,host3:3231?nodePreference=follower",
                "://host1,host2,host3?tls=false",
                "://127.0.0.1:21573?tls=false",
                "://my%3Agreat%40username:UyeXx8%24%5EPsOo4jG88FlCauR1Coz25q@host?nodePreference=follower&tlsVerifyCert=false",
                "://host?maxDiscoverAttempts=200&discoveryInterval=1000&gossipTimeout=1&nodePreference=leader&tls=false",
                "://host?MaxDiscoverAttempts=200&discoveryinterval=1000&GOSSIPTIMEOUT=1&nOdEpReFeReNcE=random&TLS=false",
                "://localhost?keepAliveTimeout=20&keepAliveInterval=10",
                "://localhost?keepAliveTimeout=-1&keepAliveInterval=-1",
                "://localhost?keepAliveTimeout=20000&keepAliveInterval=30000&nodePreference=readOnlyReplica",
                "://127.0.0.1:21573?defaultDeadline=60000",
                "://127.0.0.1:21573?tlsCaFile=/path/To/Cert.pem",
                "://127.0.0.1:21573?userCertFile=/path/to/cert&userKeyFile=/path/to/key",
                "://localhost?feature=foobar&feature=baz",
                "://localhost?unknownSetting=1&tls=false",
                "://localhost?tls=&tlsVerifyCert=false",
                "://localhost?dnsDiscover=true");
        return Stream.of("kurrentdb", "esdb", "kdb", "kurrentdb+discover", "esdb+discover", "kdb+discover")
                .flatMap(scheme -> bases.stream().map(base -> scheme + base));
    }

    @ParameterizedTest
    @MethodSource("validStrings")
    void parsesAsTheOfficialClientDoes(String connectionString) throws Exception {
        KurrentDBClientSettings official = KurrentDBConnectionString.parseOrThrow(connectionString);
        ClientSettings ours = ConnectionString.parse(connectionString);

        assertThat(ours.hosts()).extracting(Endpoint::host)
                .containsExactlyElementsOf(Arrays.stream(official.getHosts()).map(h -> h.getHost()).toList());
        assertThat(ours.hosts()).extracting(Endpoint::port)
                .containsExactlyElementsOf(Arrays.stream(official.getHosts()).map(h -> h.getPort()).toList());
        assertThat(ours.dnsDiscover()).isEqualTo(official.isDnsDiscover());
        assertThat(ours.maxDiscoverAttempts()).isEqualTo(official.getMaxDiscoverAttempts());
        assertThat(ours.discoveryInterval()).isEqualTo(Duration.ofMillis(official.getDiscoveryInterval()));
        assertThat(ours.gossipTimeout()).isEqualTo(Duration.ofMillis(official.getGossipTimeout()));
        assertThat(ours.nodePreference().name()).isEqualTo(official.getNodePreference().name());
        assertThat(ours.tls()).isEqualTo(official.isTls());
        assertThat(ours.tlsVerifyCert()).isEqualTo(official.isTlsVerifyCert());
        assertThat(ours.tlsCaFile()).isEqualTo(official.getTlsCaFile());
        assertThat(ours.keepAliveInterval().toMillis()).isEqualTo(official.getKeepAliveInterval());
        assertThat(ours.keepAliveTimeout().toMillis()).isEqualTo(official.getKeepAliveTimeout());
        assertThat(ours.defaultDeadline() == null ? null : ours.defaultDeadline().toMillis())
                .isEqualTo(official.getDefaultDeadline());
        assertThat(ours.features()).isEqualTo(official.getFeatures());
        if (official.getDefaultClientCertificate() == null) {
            assertThat(ours.userCertFile()).isNull();
        } else {
            assertThat(ours.userCertFile()).isEqualTo(official.getDefaultClientCertificate().getCertFile());
            assertThat(ours.userKeyFile()).isEqualTo(official.getDefaultClientCertificate().getKeyFile());
        }
        if (official.getDefaultCredentials() == null) {
            assertThat(ours.defaultCredentials()).isNull();
        } else {
            assertThat(ours.defaultCredentials().basicAuthHeader()).isEqualTo(basicAuthHeader(official));
        }
    }

    /** The official client's authorization header (package-private there). */
    private static String basicAuthHeader(KurrentDBClientSettings official) throws Exception {
        Method header = official.getDefaultCredentials().getClass().getDeclaredMethod("basicAuthHeader");
        header.setAccessible(true);
        return (String) header.invoke(official.getDefaultCredentials());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "localhost",
            "https://localhost",
            "kurnt+discovery://localhost",
            "kurrent://localhost",
            "kurrentdb://",
            "kurrentdb://?tls=false",
            "kurrentdb://a@b@host",
            "kurrentdb://host1,host2:200:300?tlsVerifyCert=false",
            "kurrentdb://localhost/&tlsVerifyCert=false",
            "kurrentdb://localhost/some/path",
            "kurrentdb://localhost?tlsVerifyCert=false?nodePreference=follower",
            "kurrentdb://localhost?tlsVerifyCert=false&nodePreference=any",
            "kurrentdb://localhost?tlsVerifyCert=if you feel like it",
            "kurrentdb://localhost?keepAliveInterval=-3",
            "kurrentdb://localhost?keepAliveInterval=sdfksjsfl",
            "kurrentdb://localhost?keepAliveTimeout=sdfksjsfl",
            "kurrentdb://localhost?keepAliveTimeout=-3",
            "kurrentdb://localhost?nodePreference=read_only_replica",
            "kurrentdb://localhost?userCertFile=/path/to/cert",
            "kurrentdb://localhost?userKeyFile=/path/to/key",
            "kurrentdb://localhost?defaultDeadline=0",
            "kurrentdb://localhost?maxDiscoverAttempts=-1",
            "kurrentdb://localhost:notaport"})
    void refusesWhatTheOfficialClientRefuses(String connectionString) {
        assertThatThrownBy(() -> KurrentDBConnectionString.parseOrThrow(connectionString))
                .as("the official client refuses it too").isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> ConnectionString.parse(connectionString))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("invalid connection string");
    }

    @Test
    void defaultsAreTheOfficialClientsDefaults() {
        ClientSettings s = ConnectionString.parse("kurrentdb://localhost");
        assertThat(s.tls()).isTrue();
        assertThat(s.tlsVerifyCert()).isTrue();
        assertThat(s.nodePreference()).isEqualTo(NodePreference.LEADER);
        assertThat(s.keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.callDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxDiscoverAttempts()).isEqualTo(3);
        assertThat(s.usesGossip()).isFalse();
        assertThat(ConnectionString.parse("kurrentdb+discover://localhost").usesGossip()).isTrue();
        assertThat(ConnectionString.parse("kurrentdb://a,b").usesGossip()).isTrue();
    }

    @Test
    void ourDeliberateDifferencesAreAcceptedInputs() {
        // the official parser reads gossip-seed ports as a short; ports up to 65535 are valid
        assertThat(ConnectionString.parse("kurrentdb://a:40000,b:65535").hosts())
                .containsExactly(new Endpoint("a", 40000), new Endpoint("b", 65535));
        // IPv6 literals in brackets
        assertThat(ConnectionString.parse("kurrentdb://[::1]:2113?tls=false").hosts())
                .containsExactly(new Endpoint("::1", 2113));
    }

    @Test
    void errorMessagesNeverShowThePassword() {
        assertThatThrownBy(() -> ConnectionString.parse("kurrentdb://admin:s3cret@host?tls=maybe"))
                .hasMessageNotContaining("s3cret")
                .hasMessageContaining("'tls' must be true or false");
    }
}
