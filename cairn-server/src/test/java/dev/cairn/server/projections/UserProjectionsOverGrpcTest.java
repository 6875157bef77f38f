package dev.cairn.server.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.protocol.projections.CreateReq;
import dev.cairn.protocol.projections.ProjectionsGrpc;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreateProjectionOptions;
import io.kurrent.dbclient.DeleteProjectionOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.GetProjectionStateOptions;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.ProjectionDetails;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User projections as a KurrentDB user manages them through the official client's projection
 * management: create, state and result (typed), update, emit, list, reset, disable, delete, restart
 * the subsystem, and the errors for names taken or unknown.
 */
class UserProjectionsOverGrpcTest {

    private static final String COUNT = """
            fromCategory('order').when({
                $init() { return { count: 0 }; },
                $any(s, e) { s.count += 1; }
            }).outputState();
            """;

    @TempDir
    Path dir;

    /** The state the client deserialises into, as in KurrentDB's documentation. */
    public static class CountResult {
        private int count;

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            this.count = count;
        }
    }

    @Test
    void createReadUpdateResetDeleteThroughTheOfficialClient() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).standardProjections(true)
                .userProjections(true).build())) {
            KurrentDBProjectionManagementClient projections = KurrentDBProjectionManagementClient.from(node.client);
            for (int i = 0; i < 3; i++) {
                append(node, "order-" + i, "Placed", "{\"total\":" + (i + 1) + "}");
            }
            projections.create("counter", COUNT).get(10, TimeUnit.SECONDS);
            assertThat(eventually(() -> projections.getState("counter", CountResult.class)
                    .get(10, TimeUnit.SECONDS).getCount(), 3)).isEqualTo(3);
            assertFailsWith(Status.Code.ALREADY_EXISTS, () -> projections.create("counter", COUNT).get(10, TimeUnit.SECONDS));

            projections.create("totals", """
                    fromCategory('order').foreachStream().when({
                        $init() { return { total: 0 }; },
                        Placed(s, e) { s.total += e.data.total; }
                    }).transformBy(s => s.total);
                    """).get(10, TimeUnit.SECONDS);
            GetProjectionStateOptions partition = GetProjectionStateOptions.get().partition("order-2");
            @SuppressWarnings("unchecked")
            Map<String, Object> state = eventually(() -> projections.getState("totals", Map.class, partition)
                    .get(10, TimeUnit.SECONDS), Map.of("total", 3.0));
            assertThat(state).containsEntry("total", 3.0);
            assertThat(projections.getResult("totals", Integer.class,
                    io.kurrent.dbclient.GetProjectionResultOptions.get().partition("order-2"))
                    .get(10, TimeUnit.SECONDS)).isEqualTo(3);

            // the client's trackEmittedStreams sends what KurrentDB's server reads as emit enabled
            projections.create("invoicer", """
                    fromCategory('order').when({ Placed(s, e) { emit('invoices', 'InvoiceDue', { total: e.data.total }); } });
                    """, CreateProjectionOptions.get().trackEmittedStreams(true)).get(10, TimeUnit.SECONDS);
            List<ResolvedEvent> invoices = eventually(() -> read(node, "invoices"), 3);
            assertThat(invoices).extracting(e -> e.getOriginalEvent().getEventType()).containsOnly("InvoiceDue");
            // emitEnabled makes the client create, then update with emit enabled
            projections.create("linker", "fromCategory('order').when({ Placed(s, e) { linkTo('linked-orders', e); } });",
                    CreateProjectionOptions.get().emitEnabled(true)).get(10, TimeUnit.SECONDS);
            assertThat(eventually(() -> read(node, "linked-orders"), 3))
                    .extracting(e -> e.getEvent().getStreamId()).containsExactly("order-0", "order-1", "order-2");

            List<ProjectionDetails> all = projections.list().get(10, TimeUnit.SECONDS);
            assertThat(all).extracting(ProjectionDetails::getName)
                    .containsExactly("$by_category", "$by_event_type", "$streams", "$stream_by_category",
                            "$by_correlation_id", "counter", "totals", "invoicer", "linker");

            projections.update("counter", COUNT.replace("s.count += 1", "s.count += 100")).get(10, TimeUnit.SECONDS);
            append(node, "order-9", "Placed", "{\"total\":1}");
            eventually(() -> projections.getState("counter", CountResult.class).get(10, TimeUnit.SECONDS).getCount(), 103);

            projections.reset("counter").get(10, TimeUnit.SECONDS);
            eventually(() -> projections.getState("counter", CountResult.class).get(10, TimeUnit.SECONDS).getCount(), 400);
            projections.reset("$by_category").get(10, TimeUnit.SECONDS);
            projections.restartSubsystem().get(10, TimeUnit.SECONDS);
            eventually(() -> read(node, "$ce-order").size(), 4);

            assertFailsWith(Status.Code.FAILED_PRECONDITION,
                    () -> projections.delete("counter").get(10, TimeUnit.SECONDS));
            projections.disable("counter").get(10, TimeUnit.SECONDS);
            projections.delete("counter", DeleteProjectionOptions.get().deleteCheckpointStream().deleteStateStream())
                    .get(10, TimeUnit.SECONDS);
            assertFailsWith(Status.Code.NOT_FOUND, () -> projections.getStatus("counter").get(10, TimeUnit.SECONDS));
            assertFailsWith(Status.Code.NOT_FOUND, () -> projections.delete("counter").get(10, TimeUnit.SECONDS));
            assertFailsWith(Status.Code.NOT_FOUND, () -> projections.update("nope", COUNT).get(10, TimeUnit.SECONDS));
            assertFailsWith(Status.Code.NOT_FOUND, () -> projections.reset("nope").get(10, TimeUnit.SECONDS));
            assertFailsWith(Status.Code.NOT_FOUND,
                    () -> projections.getState("nope", CountResult.class).get(10, TimeUnit.SECONDS));
        }
    }

    /** Field 3 of Create, which the Node and .NET clients send and Java 1.1.0 cannot. */
    @Test
    void createCanAskToTrackTheStreamsAProjectionEmitsTo() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).userProjections(true).build())) {
            append(node, "order-1", "Placed", "{}");
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
            try {
                ProjectionsGrpc.ProjectionsBlockingStub stub = ProjectionsGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS);
                String query = "fromCategory('order').when({ Placed(s, e) { emit('out-' + e.streamId, 'Seen', {}); } });";
                assertThatThrownBy(() -> stub.create(create("untracked", query, false, true)))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                .isEqualTo(Status.Code.INVALID_ARGUMENT));
                stub.create(create("tracked", query, true, true));
                assertThat(eventually(() -> read(node, "$projections-tracked-emittedstreams"), 1))
                        .extracting(e -> new String(e.getOriginalEvent().getEventData(), StandardCharsets.UTF_8))
                        .containsExactly("out-order-1");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static CreateReq create(String name, String query, boolean emit, boolean track) {
        return CreateReq.newBuilder().setOptions(CreateReq.Options.newBuilder().setQuery(query)
                .setContinuous(CreateReq.Options.Continuous.newBuilder().setName(name)
                        .setTrackEmittedStreams(emit).setEmittedStreamsTracked(track))).build();
    }

    @Test
    void aFaultedProjectionReportsWhy() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).userProjections(true).build())) {
            KurrentDBProjectionManagementClient projections = KurrentDBProjectionManagementClient.from(node.client);
            projections.create("broken", "fromAll().when({ $any(s, e) { throw new Error('no good'); } });")
                    .get(10, TimeUnit.SECONDS);
            append(node, "order-1", "Placed", "{}");
            ProjectionDetails details = eventually(() -> projections.getStatus("broken").get(10, TimeUnit.SECONDS),
                    d -> d.getStatus().equals("Faulted"));
            assertThat(details.getStateReason()).contains("no good");
        }
    }

    private static void append(TestNode node, String stream, String type, String json) throws Exception {
        node.client.appendToStream(stream, EventData.builderAsJson(type, json.getBytes(StandardCharsets.UTF_8)).build())
                .get(10, TimeUnit.SECONDS);
    }

    private static List<ResolvedEvent> read(TestNode node, String stream) throws Exception {
        try {
            return node.client.readStream(stream, ReadStreamOptions.get().fromStart().resolveLinkTos())
                    .get(10, TimeUnit.SECONDS).getEvents();
        } catch (java.util.concurrent.ExecutionException e) {
            return List.of();
        }
    }

    private static <T> T eventually(Callable<T> actual, Object expected) throws Exception {
        return eventually(actual, value -> expected.equals(value)
                || value instanceof List<?> list && expected instanceof Integer n && list.size() == n);
    }

    private static <T> T eventually(Callable<T> actual, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T value = actual.call();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = actual.call();
        }
        assertThat(done.test(value)).as("eventually, was %s", value).isTrue();
        return value;
    }

    private static void assertFailsWith(Status.Code code, ThrowingCallable call) {
        assertThatThrownBy(call).hasCauseInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                        .isEqualTo(code));
    }
}
