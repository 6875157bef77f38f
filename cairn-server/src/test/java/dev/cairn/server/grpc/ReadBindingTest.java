package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.server.TestNode;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read is bound by hand ({@link StreamsService#definition()}) so that events go out pre-encoded;
 * this checks, over raw HTTP/2, that the node serves it as the generated binding would (every
 * message a {@code ReadResp} that parses) and that the method's annotations still apply: its
 * messages arrive joined into few DATA frames, which only {@link ResponseCoalescer} does. The
 * annotations are found together ({@code @Blocking} sits beside the decorator on the same method),
 * so the decorator's presence shows the method was found.
 */
class ReadBindingTest {

    @TempDir
    Path dir;

    @Test
    void readIsServedWithItsAnnotationsAndEveryMessageParses() throws Exception {
        int events = 300;
        try (TestNode node = TestNode.start(dir)) {
            List<EventData> batch = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                batch.add(EventData.builderAsJson("T", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)).build());
            }
            node.client.appendToStream("binding-test", AppendToStreamOptions.get(), batch.iterator()).get();
            WebClient http = WebClient.builder("h2c://127.0.0.1:" + node.port())
                    .responseTimeout(Duration.ofSeconds(30)).build();
            ReadReq read = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                    .setStream(ReadReq.Options.StreamOptions.newBuilder()
                            .setStreamIdentifier(StreamIdentifier.newBuilder()
                                    .setStreamName(ByteString.copyFromUtf8("binding-test")))
                            .setStart(Empty.getDefaultInstance()))
                    .setReadDirection(ReadReq.Options.ReadDirection.Forwards)
                    .setCount(events)
                    .setNoFilter(Empty.getDefaultInstance())
                    .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setStructured(Empty.getDefaultInstance())))
                    .build();
            RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, "/event_store.client.streams.Streams/Read")
                    .contentType(MediaType.parse("application/grpc+proto")).add("te", "trailers").build();

            List<HttpObject> objects = http.execute(headers, HttpData.wrap(frame(read.toByteArray())))
                    .collect().get(20, TimeUnit.SECONDS);

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int dataFrames = 0;
            String status = null;
            for (HttpObject o : objects) {
                if (o instanceof HttpData d) {
                    dataFrames++;
                    body.writeBytes(d.array());
                } else if (o instanceof HttpHeaders h && h.contains("grpc-status")) {
                    status = h.get("grpc-status");
                }
            }
            assertThat(status).isEqualTo("0");
            List<ReadResp> messages = messages(body.toByteArray());
            assertThat(messages).hasSize(events);
            for (int i = 0; i < events; i++) {
                ReadResp.ReadEvent.RecordedEvent e = messages.get(i).getEvent().getEvent();
                assertThat(e.getStreamRevision()).isEqualTo(i);
                assertThat(e.getStreamIdentifier().getStreamName().toStringUtf8()).isEqualTo("binding-test");
                assertThat(e.getMetadataMap()).containsEntry("type", "T").containsEntry("content-type",
                        "application/json");
                assertThat(e.getData().toStringUtf8()).isEqualTo("{\"n\":" + i + "}");
                assertThat(e.getId().hasStructured()).isTrue();
            }
            assertThat(dataFrames).as("messages joined by the coalescer: the decorator applies")
                    .isLessThan(events / 4);
        }
    }

    private static List<ReadResp> messages(byte[] body) throws Exception {
        List<ReadResp> messages = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.hasRemaining()) {
            assertThat(b.get()).as("uncompressed").isZero();
            byte[] message = new byte[b.getInt()];
            b.get(message);
            messages.add(ReadResp.parseFrom(message));
        }
        return messages;
    }

    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }
}
