package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which projections a node runs, with KurrentDB's two options, resolved like the other options
 * (flag, then {@code CAIRN_*} environment variable, then the YAML file).
 *
 * @param run KurrentDB's {@code --run-projections}: {@code none} (the default), {@code system}
 *     (the standard projections, each running once enabled) or {@code all} (user projections in
 *     JavaScript as well)
 * @param startStandard KurrentDB's {@code --start-standard-projections} (default false): enable
 *     {@code $by_category}, {@code $by_event_type}, {@code $streams}, {@code $stream_by_category} and
 *     {@code $by_correlation_id} at each start
 */
public record ProjectionSettings(Run run, boolean startStandard) {

    /** KurrentDB's projection modes. */
    public enum Run {
        NONE, SYSTEM, ALL
    }

    public static final ProjectionSettings DEFAULTS = new ProjectionSettings(Run.NONE, false);

    static final Set<String> YAML_KEYS = Set.of("run-projections", "start-standard-projections");

    /** Whether the standard projections are enabled at start: KurrentDB's flag acts only with a subsystem. */
    public boolean startsStandardProjections() {
        return run != Run.NONE && startStandard;
    }

    /**
     * Resolves the settings; each flag may be null when not given, {@code configFile} too.
     *
     * @throws IllegalArgumentException naming the option and source that is malformed
     */
    public static ProjectionSettings resolve(String runFlag, Boolean startFlag, Path configFile,
            Map<String, String> env) {
        JsonNode yaml = configFile == null ? null : ServerConfig.readYaml(configFile);
        Run run = runFlag != null ? parseRun(runFlag, "--run-projections")
                : env.get("CAIRN_RUN_PROJECTIONS") != null
                        ? parseRun(env.get("CAIRN_RUN_PROJECTIONS"), "CAIRN_RUN_PROJECTIONS")
                        : yaml != null && yaml.hasNonNull("run-projections")
                                ? parseRun(yaml.get("run-projections").asText(), configFile + ": run-projections")
                                : Run.NONE;
        boolean start = startFlag != null ? startFlag
                : env.get("CAIRN_START_STANDARD_PROJECTIONS") != null
                        ? parseBoolean(env.get("CAIRN_START_STANDARD_PROJECTIONS"), "CAIRN_START_STANDARD_PROJECTIONS")
                        : yaml != null && yaml.hasNonNull("start-standard-projections")
                                && parseBoolean(yaml.get("start-standard-projections").asText(),
                                        configFile + ": start-standard-projections");
        return new ProjectionSettings(run, start);
    }

    private static Run parseRun(String value, String source) {
        try {
            return Run.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " must be none, system or all, was '" + value + "'");
        }
    }

    private static boolean parseBoolean(String value, String source) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(source + " must be true or false, was '" + value + "'");
        };
    }
}
