package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.TestNode;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official KurrentDB Java client against a node in this process: what only this client shows.
 * The behaviour both faces share (appends, reads, deletes, metadata and their errors) is the
 * conformance suite's, {@code dev.cairn.server.conformance}; here are the client's own forms of
 * errors, the server version it reads and a read long enough to need flow control.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficialClientTest {

    private static final AtomicInteger STREAMS = new AtomicInteger();

    TestNode node;
    KurrentDBClient client;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = TestNode.start(dir);
        client = node.client;
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static String stream() {
        return "test-" + STREAMS.incrementAndGet() + "-" + UUID.randomUUID();
    }

    private static EventData event(String type, String json) {
        return EventDataBuilder.json(type, json.getBytes(StandardCharsets.UTF_8)).build();
    }

    private WriteResult append(String stream, StreamState expected, EventData... events) throws Exception {
        return client.appendToStream(stream, AppendToStreamOptions.get().streamState(expected), events).get();
    }

    private static Throwable cause(ThrowingCall call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void aTombstonedStreamIsTheClientsStreamDeletedOnWritesAndAStatusOnReads() throws Exception {
        String s = stream();
        append(s, StreamState.noStream(), event("A", "{}"));
        client.tombstoneStream(s, DeleteStreamOptions.get().streamState(StreamState.streamExists())).get();

        Throwable t = cause(() -> append(s, StreamState.any(), event("B", "{}")));
        assertThat(t).isInstanceOf(StreamDeletedException.class);
        assertThat(((StreamDeletedException) t).getStreamName()).isEqualTo(s);
        // client 1.1.0 converts stream-deleted only on writes; a read passes the status through
        Throwable read = cause(() -> client.readStream(s, ReadStreamOptions.get()).get());
        assertThat(read).isInstanceOf(StatusRuntimeException.class);
        StatusRuntimeException status = (StatusRuntimeException) read;
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getTrailers().get(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("stream-deleted");
        assertThat(status.getTrailers().get(Metadata.Key.of("stream-name", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo(s);
        // tombstoning again is refused too
        assertThat(cause(() -> client.tombstoneStream(s, DeleteStreamOptions.get()).get()))
                .isInstanceOf(StreamDeletedException.class);
    }

    @Test
    void anAppendOverTheMaximumSizeIsRefusedWithKurrentDbsTrailers() {
        String s = stream();
        EventData[] events = new EventData[5];
        for (int i = 0; i < events.length; i++) {
            events[i] = EventDataBuilder.binary("Big", new byte[900_000]).build();
        }
        Throwable t = cause(() -> append(s, StreamState.any(), events));
        assertThat(t).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo("Maximum Append Size of 4194304 Exceeded.");
            assertThat(e.getTrailers().get(GrpcErrors.EXCEPTION)).isEqualTo("maximum-append-size-exceeded");
            assertThat(e.getTrailers().get(GrpcErrors.MAXIMUM_APPEND_SIZE)).isEqualTo("4194304");
        });
        assertThat(cause(() -> client.readStream(s, ReadStreamOptions.get()).get()))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void anEventOverTheEventSizeLimitIsRefusedWithKurrentDbsTrailers() {
        EventData big = EventDataBuilder.binary("Big", new byte[(int) TestNode.MAX_EVENT_SIZE]).build();
        Throwable t = cause(() -> append(stream(), StreamState.any(), big));
        assertThat(t).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo("Event with Id: " + big.getEventId() + ", Size: "
                    + (TestNode.MAX_EVENT_SIZE + 6) + ", exceeds Maximum Append Event Size of "
                    + TestNode.MAX_EVENT_SIZE + ".");
            assertThat(e.getTrailers().get(GrpcErrors.EXCEPTION)).isEqualTo("maximum-append-event-size-exceeded");
            assertThat(e.getTrailers().get(GrpcErrors.MAXIMUM_APPEND_EVENT_SIZE))
                    .isEqualTo(Long.toString(TestNode.MAX_EVENT_SIZE));
            assertThat(e.getTrailers().get(GrpcErrors.EVENT_ID)).isEqualTo(big.getEventId().toString());
            assertThat(e.getTrailers().get(GrpcErrors.PROPOSED_APPEND_EVENT_SIZE))
                    .isEqualTo(Long.toString(TestNode.MAX_EVENT_SIZE + 6));
        });
    }

    /**
     * The node asks for an Append's messages a few dozen at a time: an append refused at its first
     * event is still read to its end and answered, and one of thousands of events arrives whole.
     */
    @Test
    void anAppendOfThousandsOfEventsIsReadWholeAndARefusedOneStillAnswered() throws Exception {
        EventData[] refused = new EventData[1_000];
        refused[0] = EventDataBuilder.binary("Big", new byte[(int) TestNode.MAX_EVENT_SIZE]).build();
        for (int i = 1; i < refused.length; i++) {
            refused[i] = event("Small", "{\"i\":" + i + "}");
        }
        String s = stream();
        Throwable t = cause(() -> client.appendToStream(s, AppendToStreamOptions.get(), refused)
                .get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(t).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getTrailers().get(GrpcErrors.EXCEPTION)).isEqualTo("maximum-append-event-size-exceeded"));

        EventData[] many = new EventData[3_001];
        for (int i = 0; i < many.length; i++) {
            many[i] = event("Small", "{\"i\":" + i + "}");
        }
        assertThat(client.appendToStream(s, AppendToStreamOptions.get().streamState(StreamState.noStream()), many)
                .get(30, java.util.concurrent.TimeUnit.SECONDS).getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(3_000));
        assertThat(client.readStream(s, ReadStreamOptions.get()).get(30, java.util.concurrent.TimeUnit.SECONDS)
                .getEvents()).extracting(e -> new String(e.getEvent().getEventData(), StandardCharsets.UTF_8))
                .endsWith("{\"i\":2999}", "{\"i\":3000}").hasSize(3_001);
    }

    @Test
    void reportsTheServerVersion() throws Exception {
        assertThat(client.getServerVersion().get(10, java.util.concurrent.TimeUnit.SECONDS)).isPresent()
                .get().extracting(Object::toString).asString().contains("major=25", "minor=1", "patch=0");
    }

    @Test
    void aLongReadStreamsEverything() throws Exception {
        String s = stream();
        EventData[] batch = new EventData[500];
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = event("Big", "{\"pad\":\"" + "x".repeat(1000) + "\"}");
            }
            append(s, StreamState.any(), batch);
        }
        assertThat(client.readStream(s, ReadStreamOptions.get()).get(30, java.util.concurrent.TimeUnit.SECONDS)
                .getEvents()).hasSize(2000);
    }
}
