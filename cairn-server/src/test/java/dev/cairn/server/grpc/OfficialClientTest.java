package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.TestNode;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official KurrentDB Java client against a node in this process: what the client sees is the
 * wire contract.
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

    private static EventData event(UUID id, String type) {
        return EventDataBuilder.json(id, type, "{}".getBytes(StandardCharsets.UTF_8)).build();
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
    void appendsWithEveryExpectedState() throws Exception {
        String s = stream();
        WriteResult first = append(s, StreamState.noStream(), event("A", "{\"n\":0}"), event("B", "{\"n\":1}"));
        assertThat(first.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(1));
        assertThat(first.getLogPosition().getCommitUnsigned()).isPositive();

        assertThat(append(s, StreamState.streamRevision(1), event("C", "{}")).getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(2));
        assertThat(append(s, StreamState.streamExists(), event("D", "{}")).getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(3));
        WriteResult last = append(s, StreamState.any(), event("E", "{}"));
        assertThat(last.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(4));
        assertThat(last.getLogPosition().getCommitUnsigned()).isGreaterThan(first.getLogPosition().getCommitUnsigned());
    }

    @Test
    void retryWithTheSameIdsIsIdempotent() throws Exception {
        String s = stream();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        WriteResult first = append(s, StreamState.noStream(), event(a, "A"), event(b, "B"));
        WriteResult retry = append(s, StreamState.noStream(), event(a, "A"), event(b, "B"));

        assertThat(retry.getNextExpectedRevision()).isEqualTo(first.getNextExpectedRevision());
        assertThat(client.readStream(s, ReadStreamOptions.get()).get().getEvents()).hasSize(2);
    }

    @Test
    void wrongExpectedVersionCarriesTheActualRevision() throws Exception {
        String s = stream();
        append(s, StreamState.any(), event("A", "{}"), event("B", "{}"));

        Throwable t = cause(() -> append(s, StreamState.streamRevision(0), event("C", "{}")));
        assertThat(t).isInstanceOf(WrongExpectedVersionException.class);
        WrongExpectedVersionException wev = (WrongExpectedVersionException) t;
        assertThat(wev.getActualState()).isEqualTo(StreamState.streamRevision(1));
        assertThat(wev.getExpectedState()).isEqualTo(StreamState.streamRevision(0));

        Throwable noStream = cause(() -> append(stream(), StreamState.streamExists(), event("C", "{}")));
        assertThat(noStream).isInstanceOf(WrongExpectedVersionException.class);
        assertThat(((WrongExpectedVersionException) noStream).getActualState()).isEqualTo(StreamState.noStream());
    }

    @Test
    void readsAStreamForwardsAndBackwards() throws Exception {
        String s = stream();
        Instant before = Instant.now().minusSeconds(5);
        append(s, StreamState.noStream(), event("A", "{\"n\":0}"), event("B", "{\"n\":1}"), event("C", "{\"n\":2}"));

        List<ResolvedEvent> forwards = client.readStream(s, ReadStreamOptions.get().forwards().fromStart()).get()
                .getEvents();
        assertThat(forwards).extracting(e -> e.getEvent().getEventType()).containsExactly("A", "B", "C");
        RecordedEvent first = forwards.get(0).getEvent();
        assertThat(first.getStreamId()).isEqualTo(s);
        assertThat(first.getRevision()).isZero();
        assertThat(first.getContentType()).isEqualTo("application/json");
        assertThat(new String(first.getEventData(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":0}");
        assertThat(first.getCreated()).isBetween(before, Instant.now().plusSeconds(5));

        List<ResolvedEvent> backwards = client.readStream(s,
                ReadStreamOptions.get().backwards().fromEnd().maxCount(2)).get().getEvents();
        assertThat(backwards).extracting(e -> e.getEvent().getRevision()).containsExactly(2L, 1L);

        List<ResolvedEvent> fromOne = client.readStream(s, ReadStreamOptions.get().forwards().fromRevision(1))
                .get().getEvents();
        assertThat(fromOne).extracting(e -> e.getEvent().getEventType()).containsExactly("B", "C");
    }

    @Test
    void readsAll() throws Exception {
        String s = stream();
        append(s, StreamState.noStream(), event("AllA", "{}"), event("AllB", "{}"));

        ReadResult all = client.readAll(ReadAllOptions.get().forwards().fromStart()).get();
        assertThat(all.getEvents()).extracting(e -> e.getEvent().getStreamId()).contains(s);
        List<ResolvedEvent> last = client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(1)).get()
                .getEvents();
        assertThat(last).hasSize(1);
    }

    @Test
    void readingAMissingStreamIsStreamNotFound() {
        String s = stream();
        Throwable t = cause(() -> client.readStream(s, ReadStreamOptions.get()).get());
        assertThat(t).isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void deleteThenReadIsStreamNotFound() throws Exception {
        String s = stream();
        append(s, StreamState.noStream(), event("A", "{}"));
        assertThat(client.deleteStream(s, DeleteStreamOptions.get().streamState(StreamState.streamRevision(0))).get()
                .getPosition().getCommitUnsigned()).isPositive();

        assertThat(cause(() -> client.readStream(s, ReadStreamOptions.get()).get()))
                .isInstanceOf(StreamNotFoundException.class);
        // a soft-deleted stream can be written again; revisions continue
        assertThat(append(s, StreamState.any(), event("B", "{}")).getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(1));
    }

    @Test
    void deleteWithAWrongExpectedVersionIsRefused() throws Exception {
        String s = stream();
        append(s, StreamState.noStream(), event("A", "{}"), event("B", "{}"));
        Throwable t = cause(() -> client.deleteStream(s,
                DeleteStreamOptions.get().streamState(StreamState.streamRevision(0))).get());
        assertThat(t).isInstanceOf(WrongExpectedVersionException.class);
        assertThat(((WrongExpectedVersionException) t).getActualState()).isEqualTo(StreamState.streamRevision(1));
    }

    @Test
    void tombstoneThenAppendIsStreamDeleted() throws Exception {
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
    void setsAndGetsStreamMetadata() throws Exception {
        String s = stream();
        assertThat(client.getStreamMetadata(s).get()).isEqualTo(new StreamMetadata());

        StreamMetadata metadata = new StreamMetadata();
        metadata.setMaxCount(2L);
        metadata.setCustomProperties(Map.of("owner", "team-a"));
        client.setStreamMetadata(s, metadata).get();

        StreamMetadata read = client.getStreamMetadata(s).get();
        assertThat(read.getMaxCount()).isEqualTo(2L);
        assertThat(read.getCustomProperties()).containsEntry("owner", "team-a");

        append(s, StreamState.any(), event("A", "{}"), event("B", "{}"), event("C", "{}"));
        assertThat(client.readStream(s, ReadStreamOptions.get()).get().getEvents())
                .extracting(e -> e.getEvent().getEventType()).containsExactly("B", "C");
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
