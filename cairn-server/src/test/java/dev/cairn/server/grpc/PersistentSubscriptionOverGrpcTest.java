package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.protocol.persistentsubscriptions.PersistentSubscriptionsGrpc;
import dev.cairn.protocol.persistentsubscriptions.TruncateParkedReq;
import dev.cairn.server.TestNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ReplayParkedMessagesOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.UpdatePersistentSubscriptionToStreamOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistent subscriptions through the official Java client: management (with KurrentDB's errors),
 * consumers acking and nacking, parking and replay, {@code $all} with a filter, and a node
 * restarted in the middle of a stream losing nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersistentSubscriptionOverGrpcTest {

    TestNode node;
    KurrentDBClient client;
    KurrentDBPersistentSubscriptionsClient ps;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = TestNode.start(dir);
        client = node.client;
        ps = KurrentDBPersistentSubscriptionsClient.from(client);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static EventData event(String type) {
        return EventDataBuilder.json(type, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static void append(KurrentDBClient client, String stream, int count) throws Exception {
        EventData[] events = IntStream.range(0, count).mapToObj(i -> event("Thing")).toArray(EventData[]::new);
        client.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.any()), events).get();
    }

    /** Records deliveries and reacts to each. */
    static final class Recorder extends PersistentSubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final List<Integer> retryCounts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> cancelled = new CompletableFuture<>();
        final BiConsumer<PersistentSubscription, ResolvedEvent> onEach;

        Recorder(BiConsumer<PersistentSubscription, ResolvedEvent> onEach) {
            this.onEach = onEach;
        }

        static Recorder acking() {
            return new Recorder((s, e) -> s.ack(e));
        }

        @Override
        public void onEvent(PersistentSubscription subscription, int retryCount, ResolvedEvent event) {
            events.add(event);
            retryCounts.add(retryCount);
            onEach.accept(subscription, event);
        }

        @Override
        public void onCancelled(PersistentSubscription subscription, Throwable error) {
            cancelled.complete(error);
        }

        void await(int count) {
            SubscriptionOverGrpcTest.await(() -> events.size() >= count, count + " events, got " + events.size());
        }
    }

    private static StatusRuntimeException statusOf(Throwable t) {
        Throwable cause = t instanceof ExecutionException ? t.getCause() : t;
        assertThat(cause).isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) cause;
    }

    private static String trailer(StatusRuntimeException e, String key) {
        return e.getTrailers().get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }

    @Test
    void groupsAreManagedWithKurrentDbsErrorsAndSettings() throws Exception {
        String stream = name("orders");
        ps.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().startFrom(3)
                .namedConsumerStrategy(NamedConsumerStrategy.PINNED).messageTimeoutInMs(12_345).maxRetryCount(7))
                .get();

        assertThatThrownBy(() -> ps.createToStream(stream, "g").get()).satisfies(t -> {
            StatusRuntimeException e = statusOf(t);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(trailer(e, "exception")).isEqualTo("persistent-subscription-exists");
            assertThat(trailer(e, "group-name")).isEqualTo("g");
            assertThat(trailer(e, "stream-name")).isEqualTo(stream);
        });
        assertThatThrownBy(() -> ps.createToStream(stream, "tooBig",
                CreatePersistentSubscriptionToStreamOptions.get().readBatchSize(600)).get()).satisfies(t -> {
            StatusRuntimeException e = statusOf(t);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(trailer(e, "exception")).isEqualTo("persistent-subscription-failed");
            assertThat(trailer(e, "reason")).contains("ReadBatchSize");
        });

        PersistentSubscriptionToStreamInfo info = ps.getInfoToStream(stream, "g").get().orElseThrow();
        assertThat(info.getEventSource()).isEqualTo(stream);
        assertThat(info.getSettings().getStartFrom().getPosition()).contains(3L);
        assertThat(info.getSettings().getNamedConsumerStrategy().toString()).isEqualTo("Pinned");
        assertThat(info.getSettings().getMessageTimeoutMs()).isEqualTo(12_345);
        assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(7);

        ps.updateToStream(stream, "g", UpdatePersistentSubscriptionToStreamOptions.get().maxRetryCount(2)).get();
        assertThat(ps.getInfoToStream(stream, "g").get().orElseThrow().getSettings().getMaxRetryCount()).isEqualTo(2);
        assertThat(ps.listToStream(stream).get()).hasSize(1);

        ps.deleteToStream(stream, "g").get();
        assertThat(ps.getInfoToStream(stream, "g").get()).isEmpty();
        assertThatThrownBy(() -> ps.deleteToStream(stream, "g").get()).satisfies(t -> {
            StatusRuntimeException e = statusOf(t);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(trailer(e, "exception")).isEqualTo("persistent-subscription-does-not-exist");
        });
        assertThatThrownBy(() -> ps.listToStream(stream).get())
                .satisfies(t -> assertThat(statusOf(t).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void consumersReceiveAckAndShareTheEvents() throws Exception {
        String stream = name("shared");
        append(client, stream, 4);
        ps.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()
                .checkpointLowerBound(1).checkpointUpperBound(1)).get();
        Recorder a = Recorder.acking();
        Recorder b = Recorder.acking();
        PersistentSubscription first = ps.subscribeToStream(stream, "g",
                SubscribePersistentSubscriptionOptions.get().bufferSize(2), a).get();
        ps.subscribeToStream(stream, "g", SubscribePersistentSubscriptionOptions.get().bufferSize(2), b).get();
        append(client, stream, 6);
        SubscriptionOverGrpcTest.await(() -> a.events.size() + b.events.size() >= 10, "ten events");

        assertThat(first.getSubscriptionId()).isEqualTo(stream + "::g");
        Set<Long> revisions = ConcurrentHashMap.newKeySet();
        a.events.forEach(e -> revisions.add(e.getOriginalEvent().getRevision()));
        b.events.forEach(e -> revisions.add(e.getOriginalEvent().getRevision()));
        assertThat(revisions).hasSize(10);
        assertThat(b.events).isNotEmpty();
        assertThat(a.retryCounts).containsOnly(0);
        SubscriptionOverGrpcTest.await(() -> {
            try {
                return ps.getInfoToStream(stream, "g").get().orElseThrow().getStats()
                        .getLastCheckpointedEventRevision().orElse(-1L) == 9L;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "a checkpoint at revision 9");
        PersistentSubscriptionToStreamInfo info = ps.getInfoToStream(stream, "g").get().orElseThrow();
        assertThat(info.getConnections()).hasSize(2);
        assertThat(info.getStats().getTotalItems()).isEqualTo(10);

        first.stop();
        assertThat(a.cancelled.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void nackedEventsAreRetriedParkedAndReplayed() throws Exception {
        String stream = name("parking");
        append(client, stream, 2);
        ps.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart().maxRetryCount(1))
                .get();
        // revision 0: retried once, then parked by the retry count; revision 1: parked at once
        Recorder recorder = new Recorder((s, e) -> {
            if (e.getLink() != null) {
                s.ack(e);
            } else if (e.getOriginalEvent().getRevision() == 0) {
                s.nack(NackAction.Retry, "again", e);
            } else {
                s.nack(NackAction.Park, "bad", e);
            }
        });
        ps.subscribeToStream(stream, "g", recorder).get();
        recorder.await(3);
        SubscriptionOverGrpcTest.await(() -> parked(stream) == 2, "two parked events");
        assertThat(recorder.retryCounts.subList(0, 3)).containsExactlyInAnyOrder(0, 1, 0);

        List<io.kurrent.dbclient.ResolvedEvent> links = client.readStream("$persistentsubscription-" + stream
                + "::g-parked", ReadStreamOptions.get().fromStart()).get().getEvents();
        assertThat(links).extracting(e -> new String(e.getOriginalEvent().getEventData(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("0@" + stream, "1@" + stream);

        ps.replayParkedMessagesToStream(stream, "g", ReplayParkedMessagesOptions.get().stopAt(1)).get();
        recorder.await(4);
        SubscriptionOverGrpcTest.await(() -> parked(stream) == 1, "one parked event left");
        ps.replayParkedMessagesToStream(stream, "g").get();
        recorder.await(5);
        SubscriptionOverGrpcTest.await(() -> parked(stream) == 0, "no parked events left");
        assertThat(recorder.events.subList(3, 5)).allSatisfy(e -> {
            assertThat(e.getLink().getStreamId()).isEqualTo("$persistentsubscription-" + stream + "::g-parked");
            assertThat(e.getEvent().getStreamId()).isEqualTo(stream);
        });
    }

    private long parked(String stream) {
        try {
            return ps.getInfoToStream(stream, "g").get().orElseThrow().getStats().getParkedMessageCount();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void truncateParkedDropsParkedEventsWithoutReplayingThem() throws Exception {
        String stream = name("truncate");
        append(client, stream, 3);
        ps.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()).get();
        Recorder recorder = new Recorder((s, e) -> s.nack(NackAction.Park, "no", e));
        ps.subscribeToStream(stream, "g", recorder).get();
        SubscriptionOverGrpcTest.await(() -> parked(stream) == 3, "three parked events");

        // the Java client does not call TruncateParked: Cairn's own stub does
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try {
            PersistentSubscriptionsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .truncateParked(TruncateParkedReq.newBuilder().setOptions(TruncateParkedReq.Options.newBuilder()
                            .setGroupName("g").setStopAt(2)
                            .setStreamIdentifier(Wire.streamIdentifier(dev.cairn.api.StreamName.of(stream))))
                            .build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(parked(stream)).isEqualTo(1);
        ps.replayParkedMessagesToStream(stream, "g").get();
        recorder.await(4);
        assertThat(recorder.events.get(3).getEvent().getRevision()).isEqualTo(2L);
    }

    @Test
    void anAllGroupWithAFilterDeliversOnlyMatchingEvents() throws Exception {
        String group = name("all");
        String type = "Wanted" + UUID.randomUUID().toString().replace("-", "");
        ps.createToAll(group, CreatePersistentSubscriptionToAllOptions.get().fromStart()
                .filter(SubscriptionFilter.newBuilder().addEventTypePrefix(type).build())).get();
        Recorder recorder = Recorder.acking();
        ps.subscribeToAll(group, recorder).get();
        String stream = name("mixed");
        client.appendToStream(stream, event("Other"), event(type), event("Other"), event(type)).get();
        recorder.await(2);

        assertThat(recorder.events).extracting(e -> e.getEvent().getEventType()).containsOnly(type);
        PersistentSubscriptionToAllInfo info = ps.getInfoToAll(group).get().orElseThrow();
        assertThat(info.getEventSource()).isEqualTo("$all");
        assertThat(info.getSettings().getStartFrom().isStart()).isTrue();
        assertThat(ps.listToAll().get()).anySatisfy(i -> assertThat(i.getGroupName()).isEqualTo(group));
    }

    @Test
    void aFullGroupAndAMissingGroupRefuseConsumers() throws Exception {
        String stream = name("full");
        ps.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().maxSubscriberCount(1)).get();
        ps.subscribeToStream(stream, "g", Recorder.acking()).get();
        assertThatThrownBy(() -> ps.subscribeToStream(stream, "g", Recorder.acking()).get()).satisfies(t -> {
            StatusRuntimeException e = statusOf(t);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(trailer(e, "exception")).isEqualTo("maximum-subscribers-reached");
        });
        assertThatThrownBy(() -> ps.subscribeToStream(stream, "missing", Recorder.acking()).get()).satisfies(t -> {
            StatusRuntimeException e = statusOf(t);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(trailer(e, "exception")).isEqualTo("persistent-subscription-does-not-exist");
        });
    }

    @Test
    void restartingTheSubsystemDropsConsumers() throws Exception {
        String stream = name("restart");
        ps.createToStream(stream, "g").get();
        Recorder recorder = Recorder.acking();
        ps.subscribeToStream(stream, "g", recorder).get();
        ps.restartSubsystem().get();
        assertThat(statusOf(recorder.cancelled.get(10, TimeUnit.SECONDS)).getStatus().getCode())
                .isEqualTo(Status.Code.CANCELLED);
        Recorder again = Recorder.acking();
        ps.subscribeToStream(stream, "g", again).get();
        append(client, stream, 1);
        again.await(1);
    }

    @Test
    void aNodeRestartedMidStreamLosesNoEvent(@TempDir Path dir) throws Exception {
        Set<UUID> acked = ConcurrentHashMap.newKeySet();
        String stream = name("durable");
        int total = 60;
        try (TestNode first = TestNode.start(dir)) {
            KurrentDBPersistentSubscriptionsClient subs = KurrentDBPersistentSubscriptionsClient.from(first.client);
            subs.createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()
                    .checkpointLowerBound(5).checkpointUpperBound(10)).get();
            append(first.client, stream, total / 2);
            Recorder recorder = new Recorder((s, e) -> {
                // handles a part, and leaves the rest in flight when the node goes away
                if (acked.size() < 20) {
                    acked.add(e.getOriginalEvent().getEventId());
                    s.ack(e);
                }
            });
            subs.subscribeToStream(stream, "g", SubscribePersistentSubscriptionOptions.get().bufferSize(5), recorder)
                    .get();
            SubscriptionOverGrpcTest.await(() -> acked.size() >= 20, "twenty acknowledged");
            append(first.client, stream, total / 2);
        }
        try (TestNode second = TestNode.start(dir)) {
            KurrentDBPersistentSubscriptionsClient subs = KurrentDBPersistentSubscriptionsClient.from(second.client);
            Recorder recorder = new Recorder((s, e) -> {
                acked.add(e.getOriginalEvent().getEventId());
                s.ack(e);
            });
            subs.subscribeToStream(stream, "g", recorder).get();
            SubscriptionOverGrpcTest.await(() -> acked.size() == total, "every event acknowledged, got " + acked.size());
            assertThat(recorder.events).extracting(e -> e.getOriginalEvent().getRevision())
                    .as("resumed at the checkpoint, not from the start").doesNotContain(0L);
        }
    }
}
