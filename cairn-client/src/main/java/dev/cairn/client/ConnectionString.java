package dev.cairn.client;

import dev.cairn.api.InvalidArgumentException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses connection strings the way KurrentDB's official clients do:
 *
 * <pre>
 * kurrentdb://[user:password@]host[:port][,host[:port]...][/][?key=value&amp;...]
 * </pre>
 *
 * <p>Schemes: {@code kurrentdb}, {@code kdb} and the deprecated {@code esdb}, each also with
 * {@code +discover} (find the cluster's members through gossip). Several hosts are gossip seeds. The
 * port defaults to 2113. User name and password are percent-decoded. Keys are case-insensitive;
 * values of the switches and of {@code nodePreference} too. A key without a value is skipped and an
 * unknown key is ignored with a warning, as the official clients do; a malformed value is an error.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>values</th><th>default</th></tr>
 * <tr><td>tls</td><td>true, false</td><td>true</td></tr>
 * <tr><td>tlsVerifyCert</td><td>true, false</td><td>true</td></tr>
 * <tr><td>tlsCaFile</td><td>a path (case kept)</td><td>none</td></tr>
 * <tr><td>userCertFile, userKeyFile</td><td>paths, both or neither</td><td>none</td></tr>
 * <tr><td>nodePreference</td><td>leader, follower, readOnlyReplica, random</td><td>leader</td></tr>
 * <tr><td>dnsDiscover</td><td>true, false</td><td>false (true for +discover)</td></tr>
 * <tr><td>maxDiscoverAttempts</td><td>integer &ge; 0</td><td>3</td></tr>
 * <tr><td>discoveryInterval</td><td>milliseconds &ge; 0</td><td>500</td></tr>
 * <tr><td>gossipTimeout</td><td>milliseconds &ge; 0</td><td>3000</td></tr>
 * <tr><td>keepAliveInterval, keepAliveTimeout</td><td>milliseconds &ge; 0, or -1 for never</td><td>10000</td></tr>
 * <tr><td>defaultDeadline</td><td>milliseconds &gt; 0</td><td>none (calls use 10 s)</td></tr>
 * <tr><td>feature</td><td>a flag, may repeat</td><td>none</td></tr>
 * </table>
 *
 * <p>Differences from the official Java client, both deliberate: gossip-seed ports above 32767 are
 * accepted (the official parser reads them as a {@code short}), and a value containing {@code =}
 * is kept whole. Thread-safe (stateless).
 */
public final class ConnectionString {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionString.class);

    private static final Set<String> SCHEMES = Set.of("kurrentdb", "kdb", "esdb", "kurrent");

    private ConnectionString() {
    }

    /**
     * Parses {@code connectionString}.
     *
     * @throws InvalidArgumentException naming what is wrong with it
     */
    public static ClientSettings parse(String connectionString) {
        if (connectionString == null) {
            throw new InvalidArgumentException("connection string must not be null");
        }
        int schemeEnd = connectionString.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid(connectionString, "it must start with kurrentdb://, kdb:// or esdb:// "
                    + "(with +discover for a cluster)");
        }
        ClientSettings.Builder b = ClientSettings.builder();
        scheme(connectionString, connectionString.substring(0, schemeEnd).toLowerCase(Locale.ROOT), b);

        String rest = connectionString.substring(schemeEnd + 3);
        int queryStart = rest.indexOf('?');
        String query = queryStart < 0 ? null : rest.substring(queryStart + 1);
        String beforeQuery = queryStart < 0 ? rest : rest.substring(0, queryStart);
        int pathStart = beforeQuery.indexOf('/');
        String authority = pathStart < 0 ? beforeQuery : beforeQuery.substring(0, pathStart);
        String path = pathStart < 0 ? "" : beforeQuery.substring(pathStart);
        if (!path.isEmpty() && !path.equals("/")) {
            throw invalid(connectionString, "unsupported path '" + path + "'");
        }

        int at = authority.indexOf('@');
        if (at >= 0) {
            if (at != authority.lastIndexOf('@')) {
                throw invalid(connectionString, "'@' in a user name or password must be written %40");
            }
            credentials(authority.substring(0, at), b);
            authority = authority.substring(at + 1);
        }
        hosts(connectionString, authority, b);
        if (query != null) {
            query(connectionString, query, b);
        }
        try {
            return b.build();
        } catch (InvalidArgumentException e) {
            throw invalid(connectionString, e.getMessage());
        }
    }

    private static void scheme(String cs, String scheme, ClientSettings.Builder b) {
        boolean discover = scheme.endsWith("+discover");
        String base = discover ? scheme.substring(0, scheme.length() - "+discover".length()) : scheme;
        // "kurrent" exists only as kurrent+discover in the official client's list
        if (!SCHEMES.contains(base) || (base.equals("kurrent") && !discover)) {
            throw invalid(cs, "unknown scheme '" + scheme + "'");
        }
        if (base.equals("esdb")) {
            LOG.warn("The 'esdb' scheme is deprecated; use 'kurrentdb'");
        }
        b.dnsDiscover(discover);
    }

    private static void credentials(String userInfo, ClientSettings.Builder b) {
        if (userInfo.isEmpty()) {
            return;
        }
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String password = colon < 0 ? "" : userInfo.substring(colon + 1);
        b.defaultCredentials(new UserCredentials(URLDecoder.decode(user, StandardCharsets.UTF_8),
                URLDecoder.decode(password, StandardCharsets.UTF_8)));
    }

    private static void hosts(String cs, String authority, ClientSettings.Builder b) {
        if (authority.isEmpty()) {
            throw invalid(cs, "it names no host");
        }
        for (String seed : authority.split(",", -1)) {
            if (seed.isEmpty()) {
                throw invalid(cs, "empty host in '" + authority + "'");
            }
            String host;
            String port = null;
            if (seed.startsWith("[")) {
                int close = seed.indexOf(']');
                if (close < 0) {
                    throw invalid(cs, "unclosed '[' in host '" + seed + "'");
                }
                host = seed.substring(1, close);
                String after = seed.substring(close + 1);
                if (!after.isEmpty()) {
                    if (!after.startsWith(":")) {
                        throw invalid(cs, "invalid host '" + seed + "'");
                    }
                    port = after.substring(1);
                }
            } else {
                String[] parts = seed.split(":", -1);
                if (parts.length > 2) {
                    throw invalid(cs, "invalid host '" + seed + "': expected host or host:port");
                }
                host = parts[0];
                port = parts.length == 2 ? parts[1] : null;
            }
            if (host.isEmpty()) {
                throw invalid(cs, "empty host in '" + seed + "'");
            }
            int portNumber = ClientSettings.DEFAULT_PORT;
            if (port != null) {
                try {
                    portNumber = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    throw invalid(cs, "invalid port '" + port + "'");
                }
            }
            try {
                b.host(host, portNumber);
            } catch (InvalidArgumentException e) {
                throw invalid(cs, e.getMessage());
            }
        }
    }

    private static void query(String cs, String query, ClientSettings.Builder b) {
        String certFile = null;
        String keyFile = null;
        for (String param : query.split("&")) {
            int eq = param.indexOf('=');
            if (eq < 0 || eq == param.length() - 1) {
                continue; // the official clients skip a key without a value
            }
            String key = param.substring(0, eq);
            String raw = param.substring(eq + 1);
            String value = raw.toLowerCase(Locale.ROOT);
            switch (key.toLowerCase(Locale.ROOT)) {
                case "nodepreference" -> b.nodePreference(switch (value) {
                    case "leader" -> NodePreference.LEADER;
                    case "follower" -> NodePreference.FOLLOWER;
                    case "readonlyreplica" -> NodePreference.READ_ONLY_REPLICA;
                    case "random" -> NodePreference.RANDOM;
                    default -> throw invalid(cs, "unsupported node preference '" + raw
                            + "' (leader, follower, readOnlyReplica or random)");
                });
                case "maxdiscoverattempts" -> b.maxDiscoverAttempts((int) number(cs, key, value, 0, Integer.MAX_VALUE));
                case "discoveryinterval" -> b.discoveryInterval(Duration.ofMillis(number(cs, key, value, 0,
                        Integer.MAX_VALUE)));
                case "gossiptimeout" -> b.gossipTimeout(Duration.ofMillis(number(cs, key, value, 0, Integer.MAX_VALUE)));
                case "dnsdiscover" -> b.dnsDiscover(bool(cs, key, value));
                case "tls" -> b.tls(bool(cs, key, value));
                case "tlsverifycert" -> b.tlsVerifyCert(bool(cs, key, value));
                case "keepaliveinterval" -> b.keepAliveInterval(keepAlive(cs, key, value));
                case "keepalivetimeout" -> b.keepAliveTimeout(keepAlive(cs, key, value));
                case "defaultdeadline" -> b.defaultDeadline(Duration.ofMillis(number(cs, key, value, 1, Long.MAX_VALUE)));
                case "tlscafile" -> b.tlsCaFile(raw);
                case "usercertfile" -> certFile = raw;
                case "userkeyfile" -> keyFile = raw;
                case "feature" -> b.feature(value);
                default -> LOG.warn("Unknown connection string setting '{}' is ignored", key);
            }
        }
        if ((certFile == null) != (keyFile == null)) {
            throw invalid(cs, "a user certificate needs both userCertFile and userKeyFile");
        }
        if (certFile != null) {
            b.userCertificate(certFile, keyFile);
        }
    }

    private static boolean bool(String cs, String key, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(cs, "'" + key + "' must be true or false, was '" + value + "'");
        };
    }

    private static long number(String cs, String key, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(cs, "'" + key + "' must be a number, was '" + value + "'");
        }
        if (n < min || n > max) {
            throw invalid(cs, "'" + key + "' must be at least " + min + ", was " + value);
        }
        return n;
    }

    private static Duration keepAlive(String cs, String key, String value) {
        long n = number(cs, key, value, -1, Long.MAX_VALUE);
        return n == -1 ? ClientSettings.INFINITE : Duration.ofMillis(n);
    }

    private static InvalidArgumentException invalid(String cs, String why) {
        return new InvalidArgumentException("invalid connection string '" + redact(cs) + "': " + why);
    }

    /** The connection string without its password, for messages. */
    static String redact(String cs) {
        int scheme = cs.indexOf("://");
        int at = cs.indexOf('@', Math.max(scheme, 0));
        if (scheme < 0 || at < 0) {
            return cs;
        }
        int colon = cs.indexOf(':', scheme + 3);
        return colon >= 0 && colon < at ? cs.substring(0, colon + 1) + "***" + cs.substring(at) : cs;
    }
}
