package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security options of {@code cairn start}: TLS files from flags, env or YAML; initial passwords
 * from env or YAML only, never shown; a secure start without certificates is refused.
 */
class ServerConfigSecurityTest {

    @TempDir
    Path tmp;

    private static ServerConfig.Flags flags(Path certificate) {
        return new ServerConfig.Flags(null, null, null, certificate, null, null);
    }

    @Test
    void tlsFilesComeFromFlagsEnvironmentOrTheFile() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("cairn.yaml"), """
                certificate-file: /yaml/node.crt
                certificate-private-key-file: /yaml/node.key
                trusted-root-certificates-path: /yaml/ca
                default-admin-password: from-yaml
                """);
        ServerConfig fromFile = ServerConfig.resolve(flags(null), yaml, Map.of());
        assertThat(fromFile.tls()).isEqualTo(new TlsSettings(Path.of("/yaml/node.crt"), Path.of("/yaml/node.key"),
                Path.of("/yaml/ca")));
        assertThat(fromFile.defaultAdminPassword()).isEqualTo("from-yaml");
        assertThat(fromFile.defaultOpsPassword()).isNull();

        Map<String, String> env = Map.of("CAIRN_CERTIFICATE_FILE", "/env/node.crt",
                "CAIRN_DEFAULT_ADMIN_PASSWORD", "from-env", "CAIRN_DEFAULT_OPS_PASSWORD", "ops-env");
        ServerConfig fromEnv = ServerConfig.resolve(flags(null), yaml, env);
        assertThat(fromEnv.certificateFile()).isEqualTo(Path.of("/env/node.crt"));
        assertThat(fromEnv.certificatePrivateKeyFile()).isEqualTo(Path.of("/yaml/node.key"));
        assertThat(fromEnv.defaultAdminPassword()).isEqualTo("from-env");
        assertThat(fromEnv.toString()).doesNotContain("from-env").doesNotContain("ops-env").contains("(set)");

        ServerConfig fromFlag = ServerConfig.resolve(flags(Path.of("/flag/node.crt")), yaml, env);
        assertThat(fromFlag.certificateFile()).isEqualTo(Path.of("/flag/node.crt"));
    }

    @Test
    void aSecureStartNeedsACertificateAndAKeyAndInsecureNeedsNeither() {
        ServerConfig none = ServerConfig.resolve(flags(null), null, Map.of());
        assertThatThrownBy(none::tls).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS is not configured").hasMessageContaining("--certificate-file")
                .hasMessageContaining("--insecure");
        ServerConfig insecure = ServerConfig.resolve(new ServerConfig.Flags(null, null, true, null, null, null), null,
                Map.of());
        assertThat(insecure.tls()).isNull();
        assertThatThrownBy(() -> ServerConfig.resolve(flags(null), null, Map.of("CAIRN_DEFAULT_OPS_PASSWORD", "")))
                .hasMessageContaining("CAIRN_DEFAULT_OPS_PASSWORD").hasMessageContaining("empty");
    }
}
