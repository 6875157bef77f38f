package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits resolve like every other option: flags over environment over YAML over defaults. */
class ServerLimitsTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsAreDocumentedValues() {
        assertThat(ServerLimits.resolve(null, null, null, null, null, Map.of()))
                .isEqualTo(new ServerLimits(1_000, 10_000, (16 << 20) - 10_000, 1_000));
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("cairn.yaml"), "max-connections: 7\nmax-concurrent-calls: 8\n"
                + "max-message-size: 9000\nmax-subscriptions-per-connection: 10\ninsecure: true\n");
        assertThat(ServerLimits.resolve(null, null, null, null, yaml, Map.of()))
                .isEqualTo(new ServerLimits(7, 8, 9000, 10));
        Map<String, String> env = Map.of("CAIRN_MAX_CONNECTIONS", "70",
                "CAIRN_MAX_SUBSCRIPTIONS_PER_CONNECTION", "100");
        assertThat(ServerLimits.resolve(null, null, null, null, yaml, env))
                .isEqualTo(new ServerLimits(70, 8, 9000, 100));
        assertThat(ServerLimits.resolve(700, 800, 90_000, null, yaml, env))
                .isEqualTo(new ServerLimits(700, 800, 90_000, 100));
        assertThat(ServerConfig.resolve(null, null, null, yaml, Map.of()).insecure())
                .as("the server options read the same file").isTrue();
    }

    @Test
    void malformedOrImpossibleLimitsAreRefusedNamingTheSource() throws Exception {
        assertThatThrownBy(() -> ServerLimits.resolve(null, null, null, null, null,
                Map.of("CAIRN_MAX_CONNECTIONS", "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CAIRN_MAX_CONNECTIONS");
        assertThatThrownBy(() -> ServerLimits.resolve(0, null, null, null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ServerLimits.resolve(null, null, 100, null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max message size");
        Path yaml = Files.writeString(tmp.resolve("bad.yaml"), "max-conections: 5\n");
        assertThatThrownBy(() -> ServerLimits.resolve(null, null, null, null, yaml, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'max-conections'")
                .hasMessageContaining("max-connections");
    }
}
