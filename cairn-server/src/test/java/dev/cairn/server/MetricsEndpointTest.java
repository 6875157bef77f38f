package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.engine.projections.Projections;
import dev.cairn.engine.streams.EmbeddedEventStore;
import dev.cairn.protocol.operations.OperationsGrpc;
import dev.cairn.protocol.operations.StartScavengeReq;
import dev.cairn.protocol.streams.BatchAppendResp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.StreamState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics}: what a node did shows up under KurrentDB's metric names, in Prometheus'
 * text format (events and bytes written, the writer checkpoint, gRPC calls by outcome, append and
 * delete durations), next to the JVM's.
 */
class MetricsEndpointTest {

    @Test
    void whatTheNodeDidShowsUpUnderKurrentDbsNames(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            for (int i = 0; i < 3; i++) {
                node.client.appendToStream("metered", EventDataBuilder.json("Metered",
                        "{}".getBytes(StandardCharsets.UTF_8)).build(),
                        EventDataBuilder.json("Metered", "{}".getBytes(StandardCharsets.UTF_8)).build()).get();
            }
            assertThatThrownBy(() -> node.client.appendToStream("metered",
                    AppendToStreamOptions.get().streamState(StreamState.noStream()),
                    EventDataBuilder.json("Metered", "{}".getBytes(StandardCharsets.UTF_8)).build()).get())
                    .isInstanceOf(ExecutionException.class);
            long readBefore = value(scrape(node), "kurrentdb_io_events_total{activity=\"read\"}");
            assertThat(node.client.readStream("metered", ReadStreamOptions.get()).get().getEvents()).hasSize(6);
            String afterRead = scrape(node);
            assertThat(value(afterRead, "kurrentdb_io_events_total{activity=\"read\"}") - readBefore)
                    .as("the six events read, and any the node read for itself").isGreaterThanOrEqualTo(6);
            assertThat(value(afterRead, "kurrentdb_io_bytes_total{activity=\"read\"}")).isGreaterThan(6 * 50);
            node.client.deleteStream("metered").get();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
            try {
                assertThatThrownBy(() -> OperationsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .startScavenge(StartScavengeReq.getDefaultInstance()))
                        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNIMPLEMENTED");
            } finally {
                channel.shutdownNow();
            }

            String metrics = settled(node);
            // three appends of two events, and the delete's metadata event
            assertThat(value(metrics, "kurrentdb_io_events_total{activity=\"written\"}")).isEqualTo(7);
            assertThat(value(metrics, "kurrentdb_io_bytes_total{activity=\"written\"}")).isGreaterThan(7 * 50);
            assertThat(value(metrics, "kurrentdb_checkpoints{name=\"writer\",read=\"non-flushed\"}"))
                    .isEqualTo(node.server.store().headPosition().commit());
            assertThat(value(metrics, "kurrentdb_writer_flush_size_max{range=\"15-20 seconds\"}")).isPositive();
            assertThat(value(metrics, "cairn_writer_flush_duration_seconds_count")).isEqualTo(4);
            // the wrong-expected-version answer is an answer, not a failed call
            assertThat(value(metrics, "kurrentdb_grpc_method_duration_seconds_count{activity=\"append\","
                    + "status=\"successful\"}")).isEqualTo(4);
            assertThat(value(metrics, "kurrentdb_grpc_method_duration_seconds_bucket{activity=\"append\","
                    + "status=\"successful\",le=\"10.0\"}")).isEqualTo(4);
            assertThat(value(metrics, "kurrentdb_grpc_method_duration_seconds_count{activity=\"delete\","
                    + "status=\"successful\"}")).isEqualTo(1);
            assertThat(value(metrics, "kurrentdb_incoming_grpc_calls_total{kind=\"unimplemented\"}")).isEqualTo(1);
            assertThat(value(metrics, "kurrentdb_incoming_grpc_calls_total{kind=\"failed\"}")).isEqualTo(1);
            assertThat(value(metrics, "kurrentdb_incoming_grpc_calls_total{kind=\"total\"}")).isGreaterThanOrEqualTo(6);
            assertThat(value(metrics, "kurrentdb_current_incoming_grpc_calls")).isZero();
            assertThat(metrics).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
        }
    }

    @Test
    void readsAndBatchAppendsAreTimedAsKurrentDbTimesThem(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            node.client.appendToStream("timed", EventDataBuilder.json("Timed",
                    "{}".getBytes(StandardCharsets.UTF_8)).build()).get();
            node.client.readStream("timed", ReadStreamOptions.get()).get();
            node.client.readStream("timed", ReadStreamOptions.get().backwards().fromEnd()).get();
            // a subscription lasts as long as its client keeps it: not a read's duration
            node.client.subscribeToStream("timed", new io.kurrent.dbclient.SubscriptionListener() {
            }).get(10, TimeUnit.SECONDS).stop();

            // BatchAppend, as the Node and .NET clients append: one call, two batches, the second
            // a wrong expected version (an answer, as with Append)
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
            try {
                List<BatchAppendResp> answers = BatchAppends.call(channel, List.of(
                        BatchAppends.single(BatchAppends.options("timed").setStreamPosition(0), "Batched"),
                        BatchAppends.single(BatchAppends.options("timed").setStreamPosition(0), "Batched")));
                assertThat(answers).extracting(BatchAppendResp::hasSuccess).containsExactlyInAnyOrder(true, false);
            } finally {
                channel.shutdownNow();
            }

            String metrics = settledCalls(node);
            assertThat(value(metrics, "kurrentdb_grpc_method_duration_seconds_count{activity=\"read\","
                    + "status=\"successful\"}")).as("two reads; the subscription is not one").isEqualTo(2);
            assertThat(value(metrics, "kurrentdb_grpc_method_duration_seconds_count{activity=\"append\","
                    + "status=\"successful\"}")).as("one Append and two batches").isEqualTo(3);
        }
    }

    /** The metrics once no call is in flight, so that every ended call is counted. */
    private static String settledCalls(TestNode node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String metrics = scrape(node);
        while (System.nanoTime() < deadline && !metrics.contains("\nkurrentdb_current_incoming_grpc_calls 0.0\n")) {
            Thread.sleep(20);
            metrics = scrape(node);
        }
        return metrics;
    }

    @Test
    void persistentSubscriptionGroupsShowUpWithoutDisturbingTheirStatistics(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            EventStore store = node.server.store();
            StreamName stream = StreamName.of("orders-ps");
            store.persistentSubscriptions().createToStream(stream, "billing", PersistentSubscriptionSettings.defaults()
                    .startFrom(PersistentSubscriptionSettings.StartFrom.Start.INSTANCE));
            store.append("orders-ps", dev.cairn.api.StreamState.any(), EventData.json("Placed", "{}"),
                    EventData.json("Placed", "{}"), EventData.json("Placed", "{}"));
            List<ResolvedEvent> received = new CopyOnWriteArrayList<>();
            PersistentSubscription consumer = store.persistentSubscriptions().subscribe(stream, "billing",
                    ConsumerOptions.bufferSize(10), (s, e, retryCount) -> {
                        received.add(e);
                        s.ack(List.of(e.event().id()));
                    });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (received.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(received).hasSize(3);
                String tags = "{event_stream_id=\"orders-ps\",group_name=\"billing\"}";
                String metrics = scrape(node);
                assertThat(value(metrics, "kurrentdb_persistent_sub_connections" + tags)).isEqualTo(1);
                assertThat(value(metrics, "kurrentdb_persistent_sub_items_processed_total" + tags)).isEqualTo(3);
                assertThat(value(metrics, "kurrentdb_persistent_sub_last_known_event_number" + tags)).isEqualTo(2);
                assertThat(value(metrics, "kurrentdb_persistent_sub_parked_messages" + tags)).isZero();
                scrape(node);
                assertThat(store.persistentSubscriptions().getInfo(stream, "billing").orElseThrow()
                        .countSinceLastMeasurement()).as("scrapes end no measurement period").isEqualTo(3);
            } finally {
                consumer.stop();
            }
            store.persistentSubscriptions().delete(stream, "billing");
            assertThat(scrape(node)).doesNotContain("group_name=\"billing\"");
        }
    }

    @Test
    void projectionsShowUpUnderKurrentDbsNames(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).standardProjections(true)
                .userProjections(true).build())) {
            EventStore store = node.server.store();
            store.append("metered-1", dev.cairn.api.StreamState.any(), EventData.json("Placed", "{}"),
                    EventData.json("Placed", "{}"));
            Projections projections = ((EmbeddedEventStore) store).projections();
            projections.create("broken", "fromAll().when({ $any(s, e) { throw new Error('no'); } });", false, false);
            projections.setEnabled("$streams", false);
            String running = "kurrentdb_projection_running{projection=\"$by_category\"}";
            String faulted = "kurrentdb_projection_status{projection=\"broken\",status=\"Faulted\"}";
            String processed = "kurrentdb_projection_events_processed_after_restart_total{projection=\"$by_category\"}";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String metrics = scrape(node);
            while (System.nanoTime() < deadline && !(metrics.contains(faulted + " 1.0")
                    && metrics.contains("kurrentdb_projection_progress{projection=\"$by_category\"} 1.0"))) {
                Thread.sleep(50);
                metrics = scrape(node);
            }
            assertThat(value(metrics, running)).isEqualTo(1);
            assertThat(value(metrics, processed)).isGreaterThanOrEqualTo(2);
            assertThat(value(metrics, faulted)).isEqualTo(1);
            assertThat(value(metrics, "kurrentdb_projection_status{projection=\"broken\",status=\"Running\"}")).isZero();
            assertThat(value(metrics, "kurrentdb_projection_running{projection=\"broken\"}")).isZero();
            assertThat(value(metrics, "kurrentdb_projection_status{projection=\"$streams\",status=\"Stopped\"}"))
                    .isEqualTo(1);
            assertThat(metrics).contains("kurrentdb_projection_progress{projection=\"$by_category\"} 1.0");

            projections.delete("broken", true, true, false);
            assertThat(scrape(node)).doesNotContain("projection=\"broken\"");
        }
    }

    /**
     * A scrape once the calls above have all ended for the node too: a call is counted when its
     * log completes, which can be just after the client has its answer.
     */
    private static String settled(TestNode node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String metrics = scrape(node);
        while (System.nanoTime() < deadline && (!metrics.contains("\nkurrentdb_current_incoming_grpc_calls 0.0\n")
                || !metrics.contains("\nkurrentdb_incoming_grpc_calls_total{kind=\"unimplemented\"} 1.0\n")
                || !metrics.contains("kurrentdb_grpc_method_duration_seconds_count{activity=\"delete\","
                        + "status=\"successful\"} 1\n"))) {
            Thread.sleep(20);
            metrics = scrape(node);
        }
        return metrics;
    }

    private static String scrape(TestNode node) throws Exception {
        // as Prometheus scrapes: HTTP/1.1; a scrape left unanswered fails within the timeout
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            return response.body();
        }
    }

    /** The value of one time series, as a long. */
    private static long value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in:%n%s", series, metrics).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
