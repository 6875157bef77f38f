package dev.cairn.engine.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.cairn.api.Principal;
import dev.cairn.engine.streams.SystemAccess;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a login name and password against the stored users.
 *
 * <p>The full check costs a slow password hash (hundreds of milliseconds by design), so a verified
 * password is remembered for a short while ({@code credentialCacheTtl}) and later calls with the
 * same credentials cost microseconds. What is remembered is not the password but an HMAC-SHA-256
 * of it under a random key that lives only in this process's memory, next to the version of the
 * user's stream it was verified against. An entry counts only while that version is current, so
 * changing the password, the groups or the enabled state, or deleting the user, ends it at once.
 * A password that does not match the entry always goes to the full check; the cache only ever
 * speeds up a success.
 *
 * <p>Unknown users cost a full hash too, so that timing does not tell which login names exist.
 * Thread-safe.
 */
final class Authenticator {

    static final String UNKNOWN_USER = "unknown user";
    static final String WRONG_PASSWORD = "wrong password";
    static final String DISABLED = "the account is disabled";

    private record Entry(SystemAccess.StreamVersion version, Principal principal, byte[] mac) {
    }

    private final UserDirectory users;
    private final SystemAccess system;
    private final PasswordHasher hasher;
    private final Cache<String, Entry> cache;
    private final SecretKeySpec cacheKey;
    private volatile PasswordHasher.Hash decoy;

    Authenticator(UserDirectory users, SystemAccess system, PasswordHasher hasher, Duration ttl, Clock clock) {
        this.users = users;
        this.system = system;
        this.hasher = hasher;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.cache = Caffeine.newBuilder().maximumSize(ttl.isZero() ? 0 : 10_000).expireAfterWrite(ttl)
                .ticker(ticker).executor(Runnable::run).build();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    LoginOutcome authenticate(String login, String password) {
        if (!UserDirectory.isLogin(login) || password == null) {
            spendAHash(password == null ? "" : password);
            return new LoginOutcome.Refused(UNKNOWN_USER);
        }
        byte[] mac = mac(login, password);
        Entry cached = cache.getIfPresent(login);
        if (cached != null && cached.version().equals(system.version(UserDirectory.streamOf(login)))
                && MessageDigest.isEqual(cached.mac(), mac)) {
            return new LoginOutcome.Accepted(cached.principal());
        }
        // the version first: a change racing with this check can only make the entry stale
        SystemAccess.StreamVersion version = system.version(UserDirectory.streamOf(login));
        UserDirectory.Stored stored = users.find(login);
        if (stored == null) {
            spendAHash(password);
            return new LoginOutcome.Refused(UNKNOWN_USER);
        }
        if (!users.passwordMatches(stored.record(), password)) {
            return new LoginOutcome.Refused(WRONG_PASSWORD);
        }
        if (stored.record().disabled()) {
            return new LoginOutcome.Refused(DISABLED);
        }
        Principal principal = stored.record().principal();
        cache.put(login, new Entry(version, principal, mac));
        return new LoginOutcome.Accepted(principal);
    }

    /**
     * The principal of a user who proved who they are otherwise (a client certificate): the user
     * must exist and be enabled.
     */
    LoginOutcome identify(String login) {
        UserDirectory.Stored stored = users.find(login);
        if (stored == null) {
            return new LoginOutcome.Refused(UNKNOWN_USER);
        }
        if (stored.record().disabled()) {
            return new LoginOutcome.Refused(DISABLED);
        }
        return new LoginOutcome.Accepted(stored.record().principal());
    }

    /** Forgets what was remembered of this user's credentials. */
    void forget(String login) {
        cache.invalidate(login);
    }

    private void spendAHash(String password) {
        PasswordHasher.Hash d = decoy;
        if (d == null) {
            d = hasher.hash("decoy");
            decoy = d;
        }
        hasher.verify(password, d);
    }

    private byte[] mac(String login, String password) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(cacheKey);
            hmac.update(login.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 0);
            return hmac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
