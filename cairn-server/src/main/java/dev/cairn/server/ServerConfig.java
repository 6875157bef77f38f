package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.engine.CairnOptions;
import dev.cairn.server.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a node, resolved once at start from (highest first) command-line flags,
 * {@code CAIRN_*} environment variables, a YAML file, and the defaults.
 *
 * @param db the data directory (default {@code ./data})
 * @param port the port for gRPC and HTTP (default 2113; 0 picks a free one)
 * @param insecure serve plain-text HTTP/2 without TLS and without authentication (development)
 * @param certificateFile the node's PEM certificate (chain), required unless insecure
 * @param certificatePrivateKeyFile the node's PEM private key, required unless insecure
 * @param trustedRootCertificatesPath PEM root certificates (a file or a directory), optional
 * @param defaultAdminPassword the password {@code admin} gets when first created; null for
 *     {@code changeit}. From the environment or the file only, never a flag (flags show in process
 *     lists)
 * @param defaultOpsPassword the same for {@code ops}
 * @param segmentSize bytes per log segment file for a new log (default 256 MiB; a multiple of 4 KiB
 *     from 256 KiB to 1 GiB); an existing log keeps the size it was created with
 */
public record ServerConfig(Path db, int port, boolean insecure, Path certificateFile, Path certificatePrivateKeyFile,
        Path trustedRootCertificatesPath, String defaultAdminPassword, String defaultOpsPassword, long segmentSize) {

    public static final Path DEFAULT_DB = Path.of("data");
    public static final int DEFAULT_PORT = 2113;

    public static final long DEFAULT_SEGMENT_SIZE = CairnOptions.DEFAULT_SEGMENT_SIZE;
    /** The smallest segment a node takes: the engine's ({@link CairnOptions#MIN_SEGMENT_SIZE}). */
    public static final long MIN_SEGMENT_SIZE = CairnOptions.MIN_SEGMENT_SIZE;

    private static final Set<String> YAML_KEYS = union(Set.of("db", "port", "insecure", "certificate-file",
            "certificate-private-key-file", "trusted-root-certificates-path", "default-admin-password",
            "default-ops-password", "segment-size"), union(ServerLimits.YAML_KEYS, ProjectionSettings.YAML_KEYS));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return java.util.Collections.unmodifiableSet(all);
    }

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        checkSegmentSize(segmentSize, "segment size");
    }

    /** Options without TLS files, with the default segment size. */
    public ServerConfig(Path db, int port, boolean insecure) {
        this(db, port, insecure, null, null, null, null, null, DEFAULT_SEGMENT_SIZE);
    }

    /** Never shows the passwords. */
    @Override
    public String toString() {
        return "ServerConfig[db=" + db + ", port=" + port + ", insecure=" + insecure + ", certificateFile="
                + certificateFile + ", certificatePrivateKeyFile=" + certificatePrivateKeyFile
                + ", trustedRootCertificatesPath=" + trustedRootCertificatesPath + ", defaultAdminPassword="
                + (defaultAdminPassword == null ? "(default)" : "(set)") + ", defaultOpsPassword="
                + (defaultOpsPassword == null ? "(default)" : "(set)") + ", segmentSize=" + segmentSize + "]";
    }

    /**
     * What was given on the command line; null where a flag was not given.
     */
    public record Flags(Path db, Integer port, Boolean insecure, Path certificateFile, Path certificatePrivateKeyFile,
            Path trustedRootCertificatesPath, String segmentSize) {

        /** Flags without a segment size. */
        public Flags(Path db, Integer port, Boolean insecure, Path certificateFile, Path certificatePrivateKeyFile,
                Path trustedRootCertificatesPath) {
            this(db, port, insecure, certificateFile, certificatePrivateKeyFile, trustedRootCertificatesPath, null);
        }
    }

    /**
     * Resolves the options without TLS flags. Each argument may be null when not given.
     *
     * @throws IllegalArgumentException naming the option and source that is malformed
     */
    public static ServerConfig resolve(Path dbFlag, Integer portFlag, Boolean insecureFlag, Path configFile,
            Map<String, String> env) {
        return resolve(new Flags(dbFlag, portFlag, insecureFlag, null, null, null), configFile, env);
    }

    /**
     * Resolves the options.
     *
     * @throws IllegalArgumentException naming the option and source that is malformed
     */
    public static ServerConfig resolve(Flags flags, Path configFile, Map<String, String> env) {
        Sources s = new Sources(configFile == null ? null : readYaml(configFile), configFile, env);
        Path db = s.pick(flags.db(), "CAIRN_DB", "db", (v, src) -> Path.of(v));
        if (db == null) {
            db = DEFAULT_DB;
        }
        Integer port = s.pick(flags.port(), "CAIRN_PORT", "port", ServerConfig::parsePort);
        Boolean insecure = s.pick(flags.insecure(), "CAIRN_INSECURE", "insecure", ServerConfig::parseBoolean);
        Path certificate = s.pick(flags.certificateFile(), "CAIRN_CERTIFICATE_FILE", "certificate-file",
                (v, src) -> Path.of(v));
        Path key = s.pick(flags.certificatePrivateKeyFile(), "CAIRN_CERTIFICATE_PRIVATE_KEY_FILE",
                "certificate-private-key-file", (v, src) -> Path.of(v));
        Path roots = s.pick(flags.trustedRootCertificatesPath(), "CAIRN_TRUSTED_ROOT_CERTIFICATES_PATH",
                "trusted-root-certificates-path", (v, src) -> Path.of(v));
        String adminPassword = s.pick(null, "CAIRN_DEFAULT_ADMIN_PASSWORD", "default-admin-password",
                ServerConfig::password);
        String opsPassword = s.pick(null, "CAIRN_DEFAULT_OPS_PASSWORD", "default-ops-password", ServerConfig::password);
        Long segmentSize = flags.segmentSize() == null
                ? s.pick(null, "CAIRN_SEGMENT_SIZE", "segment-size", ServerConfig::parseSize)
                : parseSize(flags.segmentSize(), "--segment-size");
        return new ServerConfig(db, port == null ? DEFAULT_PORT : port, insecure != null && insecure, certificate, key,
                roots, adminPassword, opsPassword, segmentSize == null ? DEFAULT_SEGMENT_SIZE : segmentSize);
    }

    /**
     * The TLS files to serve with, or null in insecure mode.
     *
     * @throws IllegalArgumentException when the node is not insecure and a file is not configured
     */
    public TlsSettings tls() {
        if (insecure) {
            return null;
        }
        if (certificateFile == null || certificatePrivateKeyFile == null) {
            throw new IllegalArgumentException("TLS is not configured: give --certificate-file and "
                    + "--certificate-private-key-file (create them with `cairn certs`), or start with --insecure "
                    + "(or CAIRN_INSECURE=true) to serve plain-text HTTP/2 without authentication for development");
        }
        return new TlsSettings(certificateFile, certificatePrivateKeyFile, trustedRootCertificatesPath);
    }

    /** Where values come from, highest first: a flag, then the environment, then the YAML file. */
    private record Sources(JsonNode yaml, Path file, Map<String, String> env) {

        interface Parser<T> {
            T parse(String value, String source);
        }

        <T> T pick(T flag, String envName, String yamlKey, Parser<T> parser) {
            if (flag != null) {
                return flag;
            }
            if (env.get(envName) != null) {
                return parser.parse(env.get(envName), envName);
            }
            if (yaml != null && yaml.hasNonNull(yamlKey)) {
                return parser.parse(yaml.get(yamlKey).asText(), file + ": " + yamlKey);
            }
            return null;
        }
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

    private static String password(String value, String source) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(source + " must not be empty");
        }
        return value;
    }

    /**
     * A size in bytes: a whole number, optionally followed by {@code KiB}, {@code MiB} or {@code GiB}
     * (also {@code K}, {@code M}, {@code G}; binary units either way), for example {@code 1MiB}. A
     * segment size must be a multiple of 4 KiB from 256 KiB to 1 GiB.
     */
    public static Long parseSize(String value, String source) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,13})\\s*(|[KMG]|[KMG]iB|B)")
                .matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(source + " must be a size in bytes, KiB, MiB or GiB (like 64MiB), was '"
                    + value + "'");
        }
        int shift = switch (m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        long size = n > (CairnOptions.MAX_SEGMENT_SIZE >> shift) ? Long.MAX_VALUE : n << shift;
        checkSegmentSize(size, source);
        return size;
    }

    private static void checkSegmentSize(long size, String source) {
        if (size < MIN_SEGMENT_SIZE || size > CairnOptions.MAX_SEGMENT_SIZE || size % 4096 != 0) {
            throw new IllegalArgumentException(source + " must be a multiple of 4 KiB from 256 KiB to 1 GiB, was "
                    + (size == Long.MAX_VALUE ? "more" : size + " bytes"));
        }
    }

    private static Integer parsePort(String value, String source) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a port number, was '" + value + "'");
        }
    }

    private static Boolean parseBoolean(String value, String source) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(source + " must be true or false, was '" + value + "'");
        };
    }
}
