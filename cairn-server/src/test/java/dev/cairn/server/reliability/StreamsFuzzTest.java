package dev.cairn.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.engine.check.StoreChecker;
import dev.cairn.engine.streams.EmbeddedEventStore;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.StreamState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the streams request handlers over a real gRPC channel to a
 * node in this JVM: raw and mutated protobuf requests, and requests built from hostile values
 * ({@link FuzzRequests} describes the input format). Every call must end with a status within its
 * deadline; a request that parses must get an answer, never INTERNAL, UNKNOWN or UNAVAILABLE (a
 * handler crashed or the store stopped); the store must keep accepting writes; and at the end a
 * normal append and read still work and {@code cairn check} finds the data sound.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs the seed corpus in
 * {@code src/test/resources/dev/cairn/server/reliability/StreamsFuzzTestInputs/requests/}: requests
 * the official Java client sent (recorded by {@link ClientTrafficRecorder}, written by
 * {@link FuzzSeeds}) and any finding saved there. With {@code JAZZER_FUZZ=1} (the {@code fuzz}
 * execution of the build, which {@code ./cairn test} runs) Jazzer mutates them for two minutes.
 */
class StreamsFuzzTest {

    /** What a handler may answer to a request that parses: outcomes, never a crash. */
    private static final Set<Status.Code> ANSWERS = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND, Status.Code.OUT_OF_RANGE,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.ALREADY_EXISTS);

    private static Path dir;
    private static TestNode node;
    private static ManagedChannel channel;
    private static long calls;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("cairn-fuzz");
        node = TestNode.start(dir);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        // connect and warm up before the inputs' deadlines count: a loaded machine can take seconds
        ReadReq warmUp = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                .setAll(ReadReq.Options.AllOptions.newBuilder().setStart(Empty.getDefaultInstance()))
                .setCount(1).setNoFilter(Empty.getDefaultInstance())
                .setUuidOption(ReadReq.Options.UUIDOption.newBuilder().setString(Empty.getDefaultInstance())))
                .build();
        assertThat(RawCalls.call(channel, StreamsGrpc.getReadMethod(), List.of(warmUp.toByteArray()), 10, 60).getCode())
                .as("a first read on the channel").isEqualTo(Status.Code.OK);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            assertThat(calls).as("fuzz inputs sent").isPositive();
            String stream = "fz-after-" + UUID.randomUUID();
            node.client.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.noStream()),
                    EventData.builderAsJson("AfterFuzzing", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)).build())
                    .get(10, TimeUnit.SECONDS);
            List<RecordedEvent> read = node.client.readStream(stream, ReadStreamOptions.get().fromStart())
                    .get(10, TimeUnit.SECONDS).getEvents().stream().map(e -> e.getOriginalEvent()).toList();
            assertThat(read).as("a normal append and read after the fuzzing").hasSize(1);
            assertThat(read.getFirst().getEventType()).isEqualTo("AfterFuzzing");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            node.close();
        }
        assertThat(StoreChecker.check(dir).findings()).as("cairn check after the fuzzing").isEmpty();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void requests(byte[] input) {
        FuzzRequests.Call call = FuzzRequests.decode(input);
        calls++;
        // a read may be a subscription, which never ends by itself: take a few messages and cancel
        Status status = RawCalls.call(channel, call.method(), call.messages(), call.isRead() ? 5 : 10_000,
                call.isRead() ? 2 : 30);
        boolean cutShort = call.isRead()
                && (status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.DEADLINE_EXCEEDED);
        if (call.parses() && !cutShort) {
            assertThat(status.getCode()).as("status of %s: %s", call.method().getBareMethodName(), status)
                    .isIn(ANSWERS);
        } else if (!call.parses()) {
            assertThat(status.getCode()).as("an unparseable request still gets a status, not a hang")
                    .isNotEqualTo(Status.Code.DEADLINE_EXCEEDED);
        }
        assertThat(((EmbeddedEventStore) node.server.store()).writeFailure()).as("the store stopped accepting writes")
                .isNull();
    }
}
