package dev.cairn.server.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing from one address: after {@code freeFailures} failed logins within
 * {@code window}, every further login attempt from that address waits first, twice as long after
 * each new failure ({@code baseDelay}, doubling, up to {@code maxDelay}). A successful login from
 * the address forgets its failures. IPv6 addresses count by their /64 network, since one host
 * usually holds a whole /64.
 *
 * <p>Remembers at most {@link #MAX_ADDRESSES} addresses; when full, it first forgets failures older
 * than the window, then the whole table, so that it cannot be used to exhaust memory. Thread-safe.
 */
public final class LoginThrottle {

    static final int MAX_ADDRESSES = 100_000;

    /** The defaults: 5 free failures in 5 minutes, then 250 ms doubling up to 10 s. */
    public static LoginThrottle defaults(Clock clock) {
        return new LoginThrottle(clock, 5, Duration.ofMinutes(5), Duration.ofMillis(250), Duration.ofSeconds(10));
    }

    private record Failures(int count, Instant last) {
    }

    private final Clock clock;
    private final int freeFailures;
    private final Duration window;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final ConcurrentHashMap<Key, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(Clock clock, int freeFailures, Duration window, Duration baseDelay, Duration maxDelay) {
        this.clock = Objects.requireNonNull(clock);
        this.freeFailures = freeFailures;
        this.window = window;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /** How long a login attempt from this address waits before its credentials are checked. */
    public Duration delayFor(InetAddress address) {
        Failures f = current(Key.of(address));
        if (f == null || f.count() <= freeFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(f.count() - freeFailures - 1, 20);
        Duration delay = baseDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    /** Records a failed login; returns how many failures the address has in the window. */
    public int failed(InetAddress address) {
        if (failures.size() >= MAX_ADDRESSES) {
            prune();
        }
        Instant now = clock.instant();
        Failures f = failures.compute(Key.of(address), (k, old) -> new Failures(
                old == null || expired(old, now) ? 1 : old.count() + 1, now));
        return f.count();
    }

    /** Records a successful login: the address's failures are forgotten. */
    public void succeeded(InetAddress address) {
        if (!failures.isEmpty()) {
            failures.remove(Key.of(address));
        }
    }

    private Failures current(Key key) {
        Failures f = failures.get(key);
        return f == null || expired(f, clock.instant()) ? null : f;
    }

    private boolean expired(Failures f, Instant now) {
        return f.last().plus(window).isBefore(now);
    }

    private void prune() {
        Instant now = clock.instant();
        failures.values().removeIf(f -> expired(f, now));
        if (failures.size() >= MAX_ADDRESSES) {
            failures.clear();
        }
    }

    /** An IPv4 address, or the /64 network of an IPv6 address. */
    private record Key(byte[] bytes) {
        static Key of(InetAddress address) {
            byte[] raw = address.getAddress();
            return new Key(address instanceof Inet6Address ? Arrays.copyOf(raw, 8) : raw);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
