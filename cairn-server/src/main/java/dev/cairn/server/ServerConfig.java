package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The options of a node, resolved once at start from (highest first) command-line flags,
 * {@code CAIRN_*} environment variables, a YAML file, and the defaults.
 *
 * @param db the data directory (default {@code ./data})
 * @param port the port for gRPC and HTTP (default 2113; 0 picks a free one)
 * @param insecure serve plain-text HTTP/2 without TLS; required until TLS is configurable
 */
public record ServerConfig(Path db, int port, boolean insecure) {

    public static final Path DEFAULT_DB = Path.of("data");
    public static final int DEFAULT_PORT = 2113;

    private static final Set<String> YAML_KEYS = union(Set.of("db", "port", "insecure"), ServerLimits.YAML_KEYS);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return java.util.Collections.unmodifiableSet(all);
    }

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
    }

    /**
     * Resolves the options. Each argument may be null when not given.
     *
     * @throws IllegalArgumentException naming the option and source that is malformed
     */
    public static ServerConfig resolve(Path dbFlag, Integer portFlag, Boolean insecureFlag, Path configFile,
            Map<String, String> env) {
        JsonNode yaml = configFile == null ? null : readYaml(configFile);
        Path db = dbFlag != null ? dbFlag
                : env.get("CAIRN_DB") != null ? Path.of(env.get("CAIRN_DB"))
                : yaml != null && yaml.hasNonNull("db") ? Path.of(yaml.get("db").asText())
                : DEFAULT_DB;
        int port = portFlag != null ? portFlag
                : env.get("CAIRN_PORT") != null ? parsePort(env.get("CAIRN_PORT"), "CAIRN_PORT")
                : yaml != null && yaml.hasNonNull("port") ? parsePort(yaml.get("port").asText(), configFile + ": port")
                : DEFAULT_PORT;
        boolean insecure = insecureFlag != null ? insecureFlag
                : env.get("CAIRN_INSECURE") != null ? parseBoolean(env.get("CAIRN_INSECURE"), "CAIRN_INSECURE")
                : yaml != null && yaml.hasNonNull("insecure")
                        ? parseBoolean(yaml.get("insecure").asText(), configFile + ": insecure")
                : false;
        return new ServerConfig(db, port, insecure);
    }

    /** The YAML file as a mapping (null when empty), with every key checked. */
    static JsonNode readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("config file " + file + " must be a YAML mapping");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!YAML_KEYS.contains(name)) {
                throw new IllegalArgumentException("config file " + file + ": unknown option '" + name
                        + "' (known: " + String.join(", ", YAML_KEYS) + ")");
            }
        }
        return root;
    }

    private static int parsePort(String value, String source) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a port number, was '" + value + "'");
        }
    }

    private static boolean parseBoolean(String value, String source) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(source + " must be true or false, was '" + value + "'");
        };
    }
}
