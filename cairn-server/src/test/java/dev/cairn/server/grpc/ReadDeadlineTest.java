package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.server.TestNode;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Read whose deadline passes on the node ends in gRPC trailers with DEADLINE_EXCEEDED, never in
 * a reset stream. The request is raw HTTP/2 with a {@code grpc-timeout} header, so that only the
 * node enforces the deadline: a gRPC client would also cancel the call itself when its own timer
 * fires, which would hide the node's answer.
 */
class ReadDeadlineTest {

    @TempDir
    Path dir;
    private TestNode node;
    private WebClient http;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir);
        node.client.appendToStream("deadline-test", AppendToStreamOptions.get(),
                EventData.builderAsJson("T", "{}".getBytes()).build()).get();
        http = WebClient.builder("h2c://127.0.0.1:" + node.port()).responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** A subscription to $all never ends by itself: its deadline must end it, with its status. */
    @Test
    void aSubscriptionEndsAtItsDeadlineWithDeadlineExceeded() throws Exception {
        ReadReq subscribe = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                .setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Empty.getDefaultInstance()))
                .setSubscription(ReadReq.Options.SubscriptionOptions.getDefaultInstance())
                .setNoFilter(Empty.getDefaultInstance())
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setString(Empty.getDefaultInstance())))
                .build();
        for (String timeout : new String[] {"300m", "50m", "1m"}) {
            long start = System.nanoTime();
            AggregatedHttpResponse response = http.execute(grpcRequest(timeout), HttpData.wrap(frame(subscribe.toByteArray())))
                    .aggregate().get(20, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            String status = response.trailers().contains("grpc-status") ? response.trailers().get("grpc-status")
                    : response.headers().get("grpc-status");
            assertThat(status).as("grpc-status with grpc-timeout %s; headers %s, trailers %s", timeout,
                    response.headers(), response.trailers()).isEqualTo("4");
            if (timeout.equals("300m")) {
                // the subscription confirmation and the event came first: the status is in trailers
                assertThat(response.content().length()).isPositive();
                assertThat(millis).isGreaterThanOrEqualTo(290);
            }
        }
    }

    private static RequestHeaders grpcRequest(String timeout) {
        return RequestHeaders.builder(HttpMethod.POST, "/event_store.client.streams.Streams/Read")
                .contentType(MediaType.parse("application/grpc+proto"))
                .add("te", "trailers")
                .add("grpc-timeout", timeout)
                .build();
    }

    /** A gRPC length-prefixed message. */
    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }
}
