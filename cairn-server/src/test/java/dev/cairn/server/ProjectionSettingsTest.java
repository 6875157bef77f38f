package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.ProjectionSettings.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KurrentDB's two projection options: off by default, on only when both ask, resolved like the rest. */
class ProjectionSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void offByDefaultAndOnOnlyWhenBothOptionsAsk() {
        ProjectionSettings defaults = ProjectionSettings.resolve(null, null, null, Map.of());
        assertThat(defaults).isEqualTo(ProjectionSettings.DEFAULTS);
        assertThat(defaults.runsStandardProjections()).isFalse();
        assertThat(new ProjectionSettings(Run.NONE, true).runsStandardProjections()).isFalse();
        assertThat(new ProjectionSettings(Run.SYSTEM, false).runsStandardProjections()).isFalse();
        assertThat(new ProjectionSettings(Run.SYSTEM, true).runsStandardProjections()).isTrue();
        assertThat(new ProjectionSettings(Run.ALL, true).runsStandardProjections()).isTrue();
        assertThat(Main.storeOptions(new ServerConfig(tmp, 0, true), new ProjectionSettings(Run.ALL, true))
                .standardProjections()).isTrue();
        assertThat(Main.storeOptions(new ServerConfig(tmp, 0, true)).standardProjections()).isFalse();
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("cairn.yaml"), "run-projections: System\n"
                + "start-standard-projections: true\ninsecure: true\n");
        assertThat(ProjectionSettings.resolve(null, null, yaml, Map.of()))
                .isEqualTo(new ProjectionSettings(Run.SYSTEM, true));
        Map<String, String> env = Map.of("CAIRN_RUN_PROJECTIONS", "all", "CAIRN_START_STANDARD_PROJECTIONS", "false");
        assertThat(ProjectionSettings.resolve(null, null, yaml, env)).isEqualTo(new ProjectionSettings(Run.ALL, false));
        assertThat(ProjectionSettings.resolve("none", true, yaml, env)).isEqualTo(new ProjectionSettings(Run.NONE, true));
        assertThat(ServerConfig.resolve(null, null, null, yaml, Map.of()).insecure())
                .as("the server options accept the same file").isTrue();
    }

    @Test
    void malformedValuesNameTheirSource() {
        assertThatThrownBy(() -> ProjectionSettings.resolve("some", null, null, Map.of()))
                .hasMessage("--run-projections must be none, system or all, was 'some'");
        assertThatThrownBy(() -> ProjectionSettings.resolve(null, null, null,
                Map.of("CAIRN_START_STANDARD_PROJECTIONS", "yes")))
                .hasMessage("CAIRN_START_STANDARD_PROJECTIONS must be true or false, was 'yes'");
    }
}
