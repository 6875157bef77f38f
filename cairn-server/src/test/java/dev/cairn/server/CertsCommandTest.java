package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn certs}: a CA, node and user certificates that chain to it with the names asked
 * for, secret key files, and no file ever overwritten.
 */
class CertsCommandTest {

    @TempDir
    Path tmp;

    @Test
    void createsACaAndANodeCertificateItSigned() throws Exception {
        TestCerts certs = TestCerts.create(tmp);

        X509Certificate ca = PemFiles.readCertificates(certs.caCertificate(), "ca").get(0);
        assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(Duration.between(Instant.now(), ca.getNotAfter().toInstant()).toDays()).isBetween(1800L, 1830L);
        ca.verify(ca.getPublicKey());

        X509Certificate node = PemFiles.readCertificates(certs.nodeCertificate(), "node").get(0);
        node.verify(ca.getPublicKey());
        assertThat(node.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(node.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(node.getSubjectAlternativeNames())
                .contains(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
        assertThat(Duration.between(Instant.now(), node.getNotAfter().toInstant()).toDays()).isBetween(360L, 366L);
        assertThat(node.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());

        for (Path key : List.of(certs.caKey(), certs.nodeKey())) {
            assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(PemFiles.readPrivateKey(key, "key").getAlgorithm()).isEqualTo("EC");
        }
    }

    @Test
    void createsAUserCertificateForClientAuthentication() throws Exception {
        TestCerts certs = TestCerts.create(tmp);
        CommandRun run = CommandRun.of("certs", "create-user", "--ca-dir", tmp.resolve("ca").toString(), "--out",
                tmp.resolve("users").toString(), "--name", "alice");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("user-alice.crt");

        X509Certificate user = PemFiles.readCertificates(tmp.resolve("users/user-alice.crt"), "user").get(0);
        user.verify(PemFiles.readCertificates(certs.caCertificate(), "ca").get(0).getPublicKey());
        assertThat(user.getSubjectX500Principal().getName()).isEqualTo("CN=alice");
        assertThat(user.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void neverOverwritesAFile() throws Exception {
        TestCerts.create(tmp);
        String before = Files.readString(tmp.resolve("ca/ca.key"));

        CommandRun again = CommandRun.of("certs", "create-ca", "--out", tmp.resolve("ca").toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("exists already");
        assertThat(Files.readString(tmp.resolve("ca/ca.key"))).isEqualTo(before);
    }

    @Test
    void refusesWhatItCannotDo() {
        CommandRun noCa = CommandRun.of("certs", "create-node", "--ca-dir", tmp.resolve("nowhere").toString(), "--out",
                tmp.resolve("node").toString(), "--ip", "127.0.0.1");
        assertThat(noCa.exitCode()).isEqualTo(2);
        assertThat(noCa.err()).contains("does not exist").contains("cairn certs create-ca");
        assertThat(tmp.resolve("node")).doesNotExist();

        CommandRun noNames = CommandRun.of("certs", "create-node", "--ca-dir", tmp.toString(), "--out", tmp.toString());
        assertThat(noNames.exitCode()).isEqualTo(2);
        assertThat(noNames.err()).contains("--ip or --dns");

        CommandRun badIp = CommandRun.of("certs", "create-node", "--ca-dir", tmp.toString(), "--out", tmp.toString(),
                "--ip", "example.com");
        assertThat(badIp.exitCode()).isEqualTo(2);
        assertThat(badIp.err()).contains("not an IP address");
    }
}
