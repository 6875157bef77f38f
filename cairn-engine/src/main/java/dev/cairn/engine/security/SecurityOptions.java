package dev.cairn.engine.security;

import dev.cairn.api.InvalidArgumentException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of {@link Security}, validated once by {@link Builder#build()}.
 *
 * @param initialAdminPassword the password of {@code admin} when it is first created (default
 *     {@code changeit}, KurrentDB's; change it)
 * @param initialOpsPassword the password of {@code ops} when it is first created (default
 *     {@code changeit})
 * @param passwordIterations PBKDF2-HMAC-SHA-256 iterations for new password hashes (default
 *     600,000; at least 1,000)
 * @param credentialCacheTtl how long a verified password is remembered so that later calls skip
 *     the slow hash (default 2 minutes; zero turns the cache off). Any change to the user ends it
 *     at once.
 * @param allowAnonymousStreamAccess whether callers without credentials may use streams whose ACL
 *     includes {@code $all} (default false, as in KurrentDB)
 * @param clock the time source for the credential cache
 */
public record SecurityOptions(String initialAdminPassword, String initialOpsPassword, int passwordIterations,
        Duration credentialCacheTtl, boolean allowAnonymousStreamAccess, Clock clock) {

    /** KurrentDB's default password of {@code admin} and {@code ops}. */
    public static final String DEFAULT_PASSWORD = "changeit";
    public static final int DEFAULT_PASSWORD_ITERATIONS = 600_000;
    public static final int MIN_PASSWORD_ITERATIONS = 1_000;

    public SecurityOptions {
        Objects.requireNonNull(clock, "clock");
    }

    public static SecurityOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Never shows the passwords. */
    @Override
    public String toString() {
        return "SecurityOptions[passwordIterations=" + passwordIterations + ", credentialCacheTtl=" + credentialCacheTtl
                + ", allowAnonymousStreamAccess=" + allowAnonymousStreamAccess + "]";
    }

    /** Builds {@link SecurityOptions} with documented defaults. */
    public static final class Builder {
        private String initialAdminPassword = DEFAULT_PASSWORD;
        private String initialOpsPassword = DEFAULT_PASSWORD;
        private int passwordIterations = DEFAULT_PASSWORD_ITERATIONS;
        private Duration credentialCacheTtl = Duration.ofMinutes(2);
        private boolean allowAnonymousStreamAccess;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder initialAdminPassword(String password) {
            this.initialAdminPassword = password;
            return this;
        }

        public Builder initialOpsPassword(String password) {
            this.initialOpsPassword = password;
            return this;
        }

        public Builder passwordIterations(int iterations) {
            this.passwordIterations = iterations;
            return this;
        }

        public Builder credentialCacheTtl(Duration ttl) {
            this.credentialCacheTtl = Objects.requireNonNull(ttl);
            return this;
        }

        public Builder allowAnonymousStreamAccess(boolean allow) {
            this.allowAnonymousStreamAccess = allow;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public SecurityOptions build() {
            if (initialAdminPassword == null || initialAdminPassword.isEmpty()
                    || initialOpsPassword == null || initialOpsPassword.isEmpty()) {
                throw new InvalidArgumentException("initial passwords must not be empty");
            }
            if (passwordIterations < MIN_PASSWORD_ITERATIONS) {
                throw new InvalidArgumentException("password iterations must be at least " + MIN_PASSWORD_ITERATIONS
                        + ", was " + passwordIterations);
            }
            if (credentialCacheTtl.isNegative()) {
                throw new InvalidArgumentException("credential cache lifetime must not be negative");
            }
            return new SecurityOptions(initialAdminPassword, initialOpsPassword, passwordIterations,
                    credentialCacheTtl, allowAnonymousStreamAccess, clock);
        }
    }
}
