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

    @Test
    void segmentSizeComesFromFlagEnvironmentOrFileInBytesOrBinaryUnits() throws Exception {
        assertThat(ServerConfig.resolve(null, null, null, null, Map.of()).segmentSize()).isEqualTo(256L << 20);
        Path yaml = Files.writeString(tmp.resolve("cairn.yaml"), "segment-size: 64MiB\n");
        assertThat(ServerConfig.resolve(null, null, null, yaml, Map.of()).segmentSize()).isEqualTo(64L << 20);
        Map<String, String> env = Map.of("CAIRN_SEGMENT_SIZE", "1048576");
        assertThat(ServerConfig.resolve(null, null, null, yaml, env).segmentSize()).isEqualTo(1L << 20);
        ServerConfig.Flags flags = new ServerConfig.Flags(null, null, null, null, null, null, "512K");
        assertThat(ServerConfig.resolve(flags, yaml, env).segmentSize()).isEqualTo(512L << 10);
        for (String size : new String[] {"1G", "1GiB", "256KiB", "4M", "1073741824", "262144B"}) {
            assertThat(ServerConfig.parseSize(size, "--segment-size")).as(size).isBetween(256L << 10, 1L << 30);
        }
    }

    @Test
    void aSegmentSizeOutOfRangeOrMalformedIsRefusedWithItsSource() {
        for (String size : new String[] {"60KiB", "64KiB", "128KiB", "2GiB", "65537", "1.5MiB", "-1MiB", "big", "", "1TiB",
                "99999999999999G"}) {
            ServerConfig.Flags flags = new ServerConfig.Flags(null, null, null, null, null, null, size);
            assertThatThrownBy(() -> ServerConfig.resolve(flags, null, Map.of())).as(size)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--segment-size");
        }
        assertThatThrownBy(() -> ServerConfig.resolve(null, null, null, null, Map.of("CAIRN_SEGMENT_SIZE", "1000")))
                .hasMessageContaining("CAIRN_SEGMENT_SIZE").hasMessageContaining("multiple of 4 KiB");
    }

    @Test
    void smallSegmentsShrinkTheLargestEventToWhatFits() {
        assertThat(Main.storeOptions(ServerConfig.resolve(new ServerConfig.Flags(tmp, null, null, null, null, null,
                "256KiB"), null, Map.of())).maxEventSize()).as("the smallest segment").isGreaterThan(120L << 10);
        ServerConfig small = ServerConfig.resolve(new ServerConfig.Flags(tmp, null, null, null, null, null, "1MiB"),
                null, Map.of());
        var store = Main.storeOptions(small);
        assertThat(store.segmentSize()).isEqualTo(1L << 20);
        assertThat(store.maxEventSize()).isLessThan(1L << 20).isGreaterThan(512L << 10);
        assertThat(Main.storeOptions(new ServerConfig(tmp, 0, true)).maxEventSize()).isEqualTo(16L << 20);
    }
}
