package dev.cairn.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node refuses TLS material it could not serve, saying which file is wrong and why. */
class TlsSettingsTest {

    @TempDir
    Path tmp;

    CertificateAuthority ca;
    Path caFile;

    @BeforeEach
    void createCa() throws Exception {
        ca = CertificateAuthority.create("test CA", Instant.now());
        caFile = tmp.resolve("ca.crt");
        PemFiles.writeCertificate(caFile, ca.certificate());
    }

    private TlsSettings node(String name, CertificateAuthority.Issued issued) throws Exception {
        Path crt = tmp.resolve(name + ".crt");
        Path key = tmp.resolve(name + ".key");
        PemFiles.writeCertificate(crt, issued.certificate());
        PemFiles.writePrivateKey(key, issued.key());
        return new TlsSettings(crt, key, caFile);
    }

    private CertificateAuthority.Issued issue(Instant at) throws Exception {
        return ca.issueNode("node", List.of(InetAddress.getByName("127.0.0.1")), List.of("localhost"), at);
    }

    @Test
    void loadsACertificateItsKeyAndTheRoots() throws Exception {
        TlsSettings.Material m = node("node", issue(Instant.now())).load(Instant.now());
        assertThat(m.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=node");
        assertThat(m.trustedRoots()).containsExactly(ca.certificate());

        // a directory of roots works too
        Path roots = Files.createDirectories(tmp.resolve("roots"));
        Files.copy(caFile, roots.resolve("ca.pem"));
        TlsSettings fromDir = new TlsSettings(tmp.resolve("node.crt"), tmp.resolve("node.key"), roots);
        assertThat(fromDir.load(Instant.now()).trustedRoots()).hasSize(1);
    }

    @Test
    void refusesMissingFilesNamingThem() {
        TlsSettings missing = new TlsSettings(tmp.resolve("none.crt"), tmp.resolve("none.key"), null);
        assertThatThrownBy(() -> missing.load(Instant.now())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("certificate file").hasMessageContaining("none.crt")
                .hasMessageContaining("does not exist");
    }

    @Test
    void refusesAFileThatIsNotPem() throws Exception {
        TlsSettings settings = node("node", issue(Instant.now()));
        Files.writeString(settings.privateKeyFile(), "not a key");
        assertThatThrownBy(() -> settings.load(Instant.now())).hasMessageContaining("node.key")
                .hasMessageContaining("no private key");
    }

    @Test
    void refusesAKeyOfAnotherCertificate() throws Exception {
        TlsSettings one = node("one", issue(Instant.now()));
        TlsSettings two = node("two", issue(Instant.now()));
        TlsSettings mixed = new TlsSettings(one.certificateFile(), two.privateKeyFile(), null);
        assertThatThrownBy(() -> mixed.load(Instant.now())).hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void refusesAnExpiredCertificate() throws Exception {
        TlsSettings old = node("old", issue(Instant.now().minus(Duration.ofDays(400))));
        assertThatThrownBy(() -> old.load(Instant.now())).hasMessageContaining("expired on");
    }

    @Test
    void refusesACertificateOfAnotherCa() throws Exception {
        CertificateAuthority other = CertificateAuthority.create("other CA", Instant.now());
        TlsSettings foreign = node("foreign", other.issueNode("node", List.of(), List.of("localhost"), Instant.now()));
        assertThatThrownBy(() -> foreign.load(Instant.now())).hasMessageContaining("is not signed by a root in");
        // without roots to check against, it loads
        assertThat(new TlsSettings(foreign.certificateFile(), foreign.privateKeyFile(), null).load(Instant.now()))
                .isNotNull();
    }

    @Test
    void refusesAnEncryptedKey() throws Exception {
        TlsSettings settings = node("node", issue(Instant.now()));
        Files.writeString(settings.privateKeyFile(), """
                -----BEGIN ENCRYPTED PRIVATE KEY-----
                MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhxd0+wQEXqZgICCAAw
                DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEBDaXP1RIuz7Kq8Kc1HCKhIEgZAo
                -----END ENCRYPTED PRIVATE KEY-----
                """);
        assertThatThrownBy(() -> settings.load(Instant.now())).hasMessageContaining("node.key");
    }
}
