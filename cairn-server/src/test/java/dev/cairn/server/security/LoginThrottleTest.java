package dev.cairn.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The throttle's schedule: free failures, then doubling delays, forgetting after the window or a success. */
class LoginThrottleTest {

    private static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void delaysDoubleAfterTheFreeFailuresUpToTheMaximum() throws Exception {
        MovingClock clock = new MovingClock();
        LoginThrottle throttle = LoginThrottle.defaults(clock);
        InetAddress guesser = InetAddress.getByName("192.0.2.7");
        InetAddress other = InetAddress.getByName("192.0.2.8");
        for (int i = 1; i <= 5; i++) {
            assertThat(throttle.failed(guesser)).isEqualTo(i);
            assertThat(throttle.delayFor(guesser)).isZero();
        }
        throttle.failed(guesser);
        assertThat(throttle.delayFor(guesser)).isEqualTo(Duration.ofMillis(250));
        throttle.failed(guesser);
        assertThat(throttle.delayFor(guesser)).isEqualTo(Duration.ofMillis(500));
        for (int i = 0; i < 20; i++) {
            throttle.failed(guesser);
        }
        assertThat(throttle.delayFor(guesser)).isEqualTo(Duration.ofSeconds(10));
        assertThat(throttle.delayFor(other)).isZero();

        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(throttle.delayFor(guesser)).as("forgotten after the window").isZero();
        assertThat(throttle.failed(guesser)).isEqualTo(1);
    }

    @Test
    void aSuccessForgetsTheFailuresAndIpv6CountsByNetwork() throws Exception {
        LoginThrottle throttle = new LoginThrottle(new MovingClock(), 0, Duration.ofMinutes(1), Duration.ofMillis(100),
                Duration.ofSeconds(1));
        InetAddress a = InetAddress.getByName("2001:db8::1");
        InetAddress sameNetwork = InetAddress.getByName("2001:db8::2");
        InetAddress otherNetwork = InetAddress.getByName("2001:db8:0:1::1");
        throttle.failed(a);
        assertThat(throttle.delayFor(sameNetwork)).isEqualTo(Duration.ofMillis(100));
        assertThat(throttle.delayFor(otherNetwork)).isZero();
        throttle.succeeded(sameNetwork);
        assertThat(throttle.delayFor(a)).isZero();
    }
}
