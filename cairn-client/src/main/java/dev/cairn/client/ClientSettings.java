package dev.cairn.client;

import dev.cairn.api.InvalidArgumentException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link CairnClient} connects: what a connection string says, with the official clients'
 * defaults for what it leaves out. Immutable; build it with {@link ConnectionString#parse}, or
 * with {@link #builder()} in code.
 *
 * @param hosts the node (or the gossip seeds, for a cluster) to connect to; at least one
 * @param dnsDiscover discover the cluster through gossip ({@code +discover} schemes)
 * @param maxDiscoverAttempts how many rounds of discovery (or reconnection) a call tries before it
 *     fails; default 3
 * @param discoveryInterval the wait before the first retry; later retries double it (backoff),
 *     up to {@link #MAX_BACKOFF}; default 500 ms
 * @param gossipTimeout how long one gossip read may take; default 3 s
 * @param nodePreference which cluster member to pick; default leader
 * @param tls whether to use TLS; default true, as in the official clients
 * @param tlsVerifyCert whether to verify the server's certificate; default true
 * @param tlsCaFile a PEM file of certificate authorities to trust instead of the JVM's, or null
 * @param userCertFile a PEM client certificate that authenticates the user, or null
 * @param userKeyFile the key of {@code userCertFile}, or null
 * @param defaultCredentials credentials for calls that give none, or null
 * @param keepAliveInterval the idle time after which a keepalive ping is sent; default 10 s;
 *     {@link #INFINITE} turns keepalive off
 * @param keepAliveTimeout how long a ping may go unanswered before the connection is dropped;
 *     default 10 s
 * @param defaultDeadline the deadline of calls that are not streams (appends, deletes, one-shot
 *     reads of metadata), or null for the official clients' 10 s
 * @param features feature flags given with {@code feature=}, lower case
 */
public record ClientSettings(List<Endpoint> hosts, boolean dnsDiscover, int maxDiscoverAttempts,
        Duration discoveryInterval, Duration gossipTimeout, NodePreference nodePreference, boolean tls,
        boolean tlsVerifyCert, String tlsCaFile, String userCertFile, String userKeyFile,
        UserCredentials defaultCredentials, Duration keepAliveInterval, Duration keepAliveTimeout,
        Duration defaultDeadline, Set<String> features) {

    /** The port KurrentDB and Cairn listen on by default. */
    public static final int DEFAULT_PORT = 2113;
    /** What {@code keepAliveInterval=-1} and {@code keepAliveTimeout=-1} mean: never. */
    public static final Duration INFINITE = Duration.ofMillis(Long.MAX_VALUE);
    /** The deadline of non-streaming calls when the settings give none (as the official clients). */
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);
    /** The longest wait between two reconnection attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    public ClientSettings {
        hosts = List.copyOf(Objects.requireNonNull(hosts, "hosts"));
        if (hosts.isEmpty()) {
            throw new InvalidArgumentException("a connection needs at least one host");
        }
        if (maxDiscoverAttempts < 0) {
            throw new InvalidArgumentException("maxDiscoverAttempts must not be negative");
        }
        Objects.requireNonNull(discoveryInterval, "discoveryInterval");
        Objects.requireNonNull(gossipTimeout, "gossipTimeout");
        Objects.requireNonNull(nodePreference, "nodePreference");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        if ((userCertFile == null) != (userKeyFile == null)) {
            throw new InvalidArgumentException("a user certificate needs both userCertFile and userKeyFile");
        }
        if (defaultDeadline != null && (defaultDeadline.isNegative() || defaultDeadline.isZero())) {
            throw new InvalidArgumentException("defaultDeadline must be positive");
        }
        features = Set.copyOf(Objects.requireNonNull(features, "features"));
    }

    /** The deadline of a non-streaming call. */
    public Duration callDeadline() {
        return defaultDeadline != null ? defaultDeadline : DEFAULT_CALL_DEADLINE;
    }

    /** Whether connecting starts with gossip (a cluster) rather than with the one node given. */
    public boolean usesGossip() {
        return dnsDiscover || hosts.size() > 1;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds settings in code; every setting starts at the official clients' default. */
    public static final class Builder {
        private final java.util.ArrayList<Endpoint> hosts = new java.util.ArrayList<>();
        private boolean dnsDiscover;
        private int maxDiscoverAttempts = 3;
        private Duration discoveryInterval = Duration.ofMillis(500);
        private Duration gossipTimeout = Duration.ofSeconds(3);
        private NodePreference nodePreference = NodePreference.LEADER;
        private boolean tls = true;
        private boolean tlsVerifyCert = true;
        private String tlsCaFile;
        private String userCertFile;
        private String userKeyFile;
        private UserCredentials defaultCredentials;
        private Duration keepAliveInterval = Duration.ofSeconds(10);
        private Duration keepAliveTimeout = Duration.ofSeconds(10);
        private Duration defaultDeadline;
        private final java.util.LinkedHashSet<String> features = new java.util.LinkedHashSet<>();

        private Builder() {
        }

        public Builder host(String host, int port) {
            hosts.add(new Endpoint(host, port));
            return this;
        }

        public Builder dnsDiscover(boolean value) {
            dnsDiscover = value;
            return this;
        }

        public Builder maxDiscoverAttempts(int value) {
            maxDiscoverAttempts = value;
            return this;
        }

        public Builder discoveryInterval(Duration value) {
            discoveryInterval = value;
            return this;
        }

        public Builder gossipTimeout(Duration value) {
            gossipTimeout = value;
            return this;
        }

        public Builder nodePreference(NodePreference value) {
            nodePreference = value;
            return this;
        }

        public Builder tls(boolean value) {
            tls = value;
            return this;
        }

        public Builder tlsVerifyCert(boolean value) {
            tlsVerifyCert = value;
            return this;
        }

        public Builder tlsCaFile(String value) {
            tlsCaFile = value;
            return this;
        }

        public Builder userCertificate(String certFile, String keyFile) {
            userCertFile = certFile;
            userKeyFile = keyFile;
            return this;
        }

        public Builder defaultCredentials(UserCredentials value) {
            defaultCredentials = value;
            return this;
        }

        public Builder keepAliveInterval(Duration value) {
            keepAliveInterval = value;
            return this;
        }

        public Builder keepAliveTimeout(Duration value) {
            keepAliveTimeout = value;
            return this;
        }

        public Builder defaultDeadline(Duration value) {
            defaultDeadline = value;
            return this;
        }

        public Builder feature(String value) {
            features.add(value);
            return this;
        }

        public ClientSettings build() {
            return new ClientSettings(hosts, dnsDiscover, maxDiscoverAttempts, discoveryInterval, gossipTimeout,
                    nodePreference, tls, tlsVerifyCert, tlsCaFile, userCertFile, userKeyFile, defaultCredentials,
                    keepAliveInterval, keepAliveTimeout, defaultDeadline, features);
        }
    }
}
