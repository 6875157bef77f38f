package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The bounds a node puts on what clients may hold at once, so that no client (buggy or hostile)
 * can exhaust the node. Exceeding a bound answers the call that exceeds it with
 * {@code RESOURCE_EXHAUSTED} and a message naming the limit and its option; the node and every other
 * call carry on. Resolved once at start like {@link ServerConfig}: flags, then {@code CAIRN_*}
 * environment variables, then the YAML file, then these defaults.
 *
 * @param maxConnections client connections served at once (default 1,000; flag
 *     {@code --max-connections}, env {@code CAIRN_MAX_CONNECTIONS}, YAML {@code max-connections}).
 *     Calls on a connection beyond the limit are refused; connections beyond twice the limit are
 *     closed at once.
 * @param maxConcurrentCalls gRPC calls in progress at once over all connections, subscriptions
 *     included (default 10,000; {@code --max-concurrent-calls}, {@code CAIRN_MAX_CONCURRENT_CALLS},
 *     {@code max-concurrent-calls})
 * @param maxMessageBytes the largest request message (default 16 MiB - 10,000 bytes, KurrentDB's v1
 *     limit; {@code --max-message-size}, {@code CAIRN_MAX_MESSAGE_SIZE}, {@code max-message-size})
 * @param maxSubscriptionsPerConnection catch-up subscriptions open at once on one connection
 *     (default 1,000; {@code --max-subscriptions-per-connection},
 *     {@code CAIRN_MAX_SUBSCRIPTIONS_PER_CONNECTION}, {@code max-subscriptions-per-connection}).
 *     The official clients carry all of an application's subscriptions on one connection.
 */
public record ServerLimits(int maxConnections, int maxConcurrentCalls, int maxMessageBytes,
        int maxSubscriptionsPerConnection) {

    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 10_000;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = (16 << 20) - 10_000;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 1_000;

    public static final ServerLimits DEFAULTS = new ServerLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONCURRENT_CALLS,
            DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION);

    /** The YAML keys these limits are read from. */
    static final Set<String> YAML_KEYS = Set.of("max-connections", "max-concurrent-calls", "max-message-size",
            "max-subscriptions-per-connection");

    public ServerLimits {
        if (maxConnections < 1 || maxConcurrentCalls < 1 || maxSubscriptionsPerConnection < 1) {
            throw new IllegalArgumentException("max connections, concurrent calls and subscriptions per connection "
                    + "must be at least 1");
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("max message size must be at least 1024 bytes, was " + maxMessageBytes);
        }
    }

    /**
     * Resolves the limits. Each flag may be null when not given; {@code configFile} may be null.
     *
     * @throws IllegalArgumentException naming the option and source that is malformed
     */
    public static ServerLimits resolve(Integer connections, Integer calls, Integer messageBytes, Integer subscriptions,
            Path configFile, Map<String, String> env) {
        JsonNode yaml = configFile == null ? null : ServerConfig.readYaml(configFile);
        return new ServerLimits(
                pick(connections, "CAIRN_MAX_CONNECTIONS", "max-connections", DEFAULT_MAX_CONNECTIONS, env, yaml,
                        configFile),
                pick(calls, "CAIRN_MAX_CONCURRENT_CALLS", "max-concurrent-calls", DEFAULT_MAX_CONCURRENT_CALLS, env,
                        yaml, configFile),
                pick(messageBytes, "CAIRN_MAX_MESSAGE_SIZE", "max-message-size", DEFAULT_MAX_MESSAGE_BYTES, env, yaml,
                        configFile),
                pick(subscriptions, "CAIRN_MAX_SUBSCRIPTIONS_PER_CONNECTION", "max-subscriptions-per-connection",
                        DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION, env, yaml, configFile));
    }

    private static int pick(Integer flag, String envName, String yamlKey, int fallback, Map<String, String> env,
            JsonNode yaml, Path configFile) {
        if (flag != null) {
            return flag;
        }
        if (env.get(envName) != null) {
            return parse(env.get(envName), envName);
        }
        if (yaml != null && yaml.hasNonNull(yamlKey)) {
            return parse(yaml.get(yamlKey).asText(), configFile + ": " + yamlKey);
        }
        return fallback;
    }

    private static int parse(String value, String source) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a whole number, was '" + value + "'");
        }
    }
}
