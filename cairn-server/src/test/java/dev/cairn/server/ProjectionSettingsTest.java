package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.CairnOptions;
import dev.cairn.server.ProjectionSettings.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KurrentDB's two projection options: off by default; with a subsystem the standard projections
 * are there, started only when the second option asks; resolved like the rest.
 */
class ProjectionSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void offByDefaultAndStartedOnlyWhenBothOptionsAsk() {
        ProjectionSettings defaults = ProjectionSettings.resolve(null, null, null, Map.of());
        assertThat(defaults).isEqualTo(ProjectionSettings.DEFAULTS);
        assertThat(defaults.startsStandardProjections()).isFalse();
        assertThat(new ProjectionSettings(Run.NONE, true).startsStandardProjections()).isFalse();
        assertThat(new ProjectionSettings(Run.SYSTEM, false).startsStandardProjections()).isFalse();
        assertThat(new ProjectionSettings(Run.SYSTEM, true).startsStandardProjections()).isTrue();
        assertThat(new ProjectionSettings(Run.ALL, true).startsStandardProjections()).isTrue();

        CairnOptions all = Main.storeOptions(new ServerConfig(tmp, 0, true), new ProjectionSettings(Run.ALL, true));
        assertThat(List.of(all.systemProjections(), all.standardProjections(), all.userProjections()))
                .containsExactly(true, true, true);
        CairnOptions system = Main.storeOptions(new ServerConfig(tmp, 0, true),
                new ProjectionSettings(Run.SYSTEM, false));
        assertThat(List.of(system.systemProjections(), system.standardProjections(), system.userProjections()))
                .containsExactly(true, false, false);
        CairnOptions none = Main.storeOptions(new ServerConfig(tmp, 0, true), new ProjectionSettings(Run.NONE, true));
        assertThat(List.of(none.systemProjections(), none.standardProjections(), none.userProjections()))
                .containsExactly(false, false, false);
        assertThat(Main.storeOptions(new ServerConfig(tmp, 0, true)).systemProjections()).isFalse();
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
