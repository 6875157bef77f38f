package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each option of {@code cairn start} comes from: flag, then env, then YAML, then default. */
class ServerConfigTest {

    @TempDir
    Path tmp;

    @Test
    void defaults() {
        assertThat(ServerConfig.resolve(null, null, null, null, Map.of()))
                .isEqualTo(new ServerConfig(Path.of("data"), 2113, false));
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("cairn.yaml"), "db: /from/yaml\nport: 3000\ninsecure: true\n");
        assertThat(ServerConfig.resolve(null, null, null, yaml, Map.of()))
                .isEqualTo(new ServerConfig(Path.of("/from/yaml"), 3000, true));
        Map<String, String> env = Map.of("CAIRN_DB", "/from/env", "CAIRN_PORT", "4000", "CAIRN_INSECURE", "false");
        assertThat(ServerConfig.resolve(null, null, null, yaml, env))
                .isEqualTo(new ServerConfig(Path.of("/from/env"), 4000, false));
        assertThat(ServerConfig.resolve(Path.of("/from/flag"), 5000, true, yaml, env))
                .isEqualTo(new ServerConfig(Path.of("/from/flag"), 5000, true));
    }

    @Test
    void malformedValuesAreRefusedWithTheirSource() throws Exception {
        assertThatThrownBy(() -> ServerConfig.resolve(null, null, null, null, Map.of("CAIRN_PORT", "http")))
                .hasMessageContaining("CAIRN_PORT");
        assertThatThrownBy(() -> ServerConfig.resolve(null, null, null, null, Map.of("CAIRN_INSECURE", "maybe")))
                .hasMessageContaining("CAIRN_INSECURE");
        assertThatThrownBy(() -> ServerConfig.resolve(null, 70_000, null, null, Map.of()))
                .hasMessageContaining("port");
        Path unknown = Files.writeString(tmp.resolve("bad.yaml"), "dbb: x\n");
        assertThatThrownBy(() -> ServerConfig.resolve(null, null, null, unknown, Map.of()))
                .hasMessageContaining("unknown option 'dbb'");
        assertThatThrownBy(() -> ServerConfig.resolve(null, null, null, tmp.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("not found");
    }
}
