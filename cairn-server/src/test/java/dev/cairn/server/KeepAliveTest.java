package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keepalive: the official clients ping every 10 s, also while no call is open. grpc-java's own
 * server refuses that by default (it permits a ping every 5 minutes, and only during calls): after
 * a few pings it sends GOAWAY ENHANCE_YOUR_CALM "too_many_pings" and drops the connection. A node
 * must permit them. The probe pings every 50 ms, 200 times the clients' rate, on an idle
 * connection; the second test points it at grpc-java's server to show that it sees a refusal.
 */
class KeepAliveTest {

    private static final int PINGS = 40;
    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final String CALL = "/event_store.client.server_features.ServerFeatures/GetSupportedMethods";
    /** HTTP/2's ENHANCE_YOUR_CALM, the GOAWAY code of a server that refuses pings. */
    private static final long ENHANCE_YOUR_CALM = 0xb;

    @Test
    void aNodeAnswersEveryPingOnAnIdleConnectionAndKeepsServingCallsOnIt(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir); PingProbe probe = PingProbe.connect(node.port())) {
            probe.ping(PINGS, INTERVAL);

            assertThat(probe.goAway()).isNull();
            assertThat(probe.failure()).isNull();
            assertThat(probe.acks()).isEqualTo(PINGS);
            assertThat(probe.isOpen()).isTrue();
            assertThat(probe.call(CALL)).as("grpc-status of a call on the pinged connection").isZero();
            // and pings during and after calls are as welcome
            probe.ping(PINGS, INTERVAL);
            assertThat(probe.goAway()).isNull();
            assertThat(probe.failure()).isNull();
            assertThat(probe.acks()).isEqualTo(2 * PINGS);
            assertThat(probe.call(CALL)).isZero();
        }
    }

    @Test
    void theProbeSeesAServerThatRefusesFrequentPings() throws Exception {
        // grpc-java's defaults: permitKeepAliveTime 5 min, permitKeepAliveWithoutCalls false
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
        try (PingProbe probe = PingProbe.connect(server.getPort())) {
            probe.ping(PINGS, INTERVAL);

            assertThat(probe.goAway()).isEqualTo(new PingProbe.GoAway(ENHANCE_YOUR_CALM, "too_many_pings"));
            assertThat(probe.acks()).isLessThan(PINGS);
            assertThat(probe.isOpen()).isFalse();
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
