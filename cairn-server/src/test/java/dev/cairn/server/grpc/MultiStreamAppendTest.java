package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.protocol.v2.streams.AppendRecordsRequest;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendStreamRequest;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.MultiStreamAppendResponse;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.StreamTombstonedException;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The v2 AppendSession through the official client's multi-stream append, with v2 rich errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiStreamAppendTest {

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

    private static EventData event(String type) {
        return EventDataBuilder.json(type, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private MultiStreamAppendResponse append(AppendStreamRequest... requests) throws Exception {
        return client.multiStreamAppend(List.of(requests).iterator()).get(10, TimeUnit.SECONDS);
    }

    private Throwable failure(AppendStreamRequest... requests) {
        try {
            append(requests);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void appendsToSeveralStreamsAtomically() throws Exception {
        String a = "msa-a-" + UUID.randomUUID();
        String b = "msa-b-" + UUID.randomUUID();
        MultiStreamAppendResponse response = append(
                new AppendStreamRequest(a, List.of(event("A1"), event("A2")).iterator(), StreamState.noStream()),
                new AppendStreamRequest(b, List.of(event("B1")).iterator(), StreamState.any()));
        assertThat(response.getPosition()).isPositive();
        assertThat(response.getResults()).extracting(r -> r.getStream() + "@" + r.getStreamRevision())
                .containsExactly(a + "@1", b + "@0");
        assertThat(client.readStream(a, ReadStreamOptions.get()).get().getEvents())
                .extracting(e -> e.getEvent().getEventType()).containsExactly("A1", "A2");
    }

    @Test
    void aConflictWritesNothingAndIsTheClientsWrongExpectedVersion() throws Exception {
        String a = "msa-c-" + UUID.randomUUID();
        String b = "msa-d-" + UUID.randomUUID();
        append(new AppendStreamRequest(b, List.of(event("B1")).iterator(), StreamState.any()));

        Throwable t = failure(
                new AppendStreamRequest(a, List.of(event("A1")).iterator(), StreamState.noStream()),
                new AppendStreamRequest(b, List.of(event("B2")).iterator(), StreamState.noStream()));
        assertThat(t).isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
            assertThat(e.getStreamName()).isEqualTo(b);
            assertThat(e.getActualState()).isEqualTo(StreamState.streamRevision(0));
            assertThat(e.getExpectedState()).isEqualTo(StreamState.noStream());
        });
        assertThat(failureOfRead(a)).isInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
    }

    @Test
    void aTombstonedStreamIsReportedAsTombstoned() throws Exception {
        String a = "msa-t-" + UUID.randomUUID();
        client.tombstoneStream(a).get();
        assertThat(failure(new AppendStreamRequest(a, List.of(event("A1")).iterator(), StreamState.any())))
                .isInstanceOfSatisfying(StreamTombstonedException.class,
                        e -> assertThat(e.getStreamName()).isEqualTo(a));
    }

    @Test
    void appendRecordsAnswersUnimplemented() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try {
            StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> StreamsServiceGrpc.newBlockingStub(channel)
                            .appendRecords(AppendRecordsRequest.getDefaultInstance()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private Throwable failureOfRead(String stream) {
        try {
            client.readStream(stream, ReadStreamOptions.get()).get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
