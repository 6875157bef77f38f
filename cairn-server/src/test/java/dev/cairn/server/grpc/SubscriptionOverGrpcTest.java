package dev.cairn.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.TestNode;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.EventDataBuilder;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionListener;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Catch-up subscriptions through the official Java client: {@code Read} with the subscription option. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionOverGrpcTest {

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
        return "sub-" + UUID.randomUUID();
    }

    private static EventData event(String type) {
        return EventDataBuilder.json(type, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private void append(String stream, int count, String type) throws Exception {
        EventData[] events = IntStream.range(0, count).mapToObj(i -> event(type)).toArray(EventData[]::new);
        client.appendToStream(stream, AppendToStreamOptions.get().streamState(StreamState.any()), events).get();
    }

    static final class Recorder extends SubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final List<Position> checkpoints = new CopyOnWriteArrayList<>();
        final CountDownLatch confirmed = new CountDownLatch(1);
        final CountDownLatch caughtUp = new CountDownLatch(1);
        final CompletableFuture<Throwable> cancelled = new CompletableFuture<>();
        volatile Long caughtUpRevision;

        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            events.add(event);
        }

        @Override
        public void onConfirmation(Subscription subscription) {
            confirmed.countDown();
        }

        @Override
        public void onCaughtUp(Subscription subscription, Instant time, Long revision, Position position) {
            caughtUpRevision = revision;
            caughtUp.countDown();
        }

        @Override
        public void onCancelled(Subscription subscription, Throwable error) {
            cancelled.complete(error);
        }

        void awaitEvents(int count) {
            await(() -> events.size() >= count, count + " events, got " + events.size());
        }

        List<Long> revisions() {
            return events.stream().map(e -> e.getOriginalEvent().getRevision()).toList();
        }
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void streamSubscriptionGetsHistoryCaughtUpAndLiveEvents() throws Exception {
        String stream = stream();
        append(stream, 3, "Before");
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToStream(stream, recorder, SubscribeToStreamOptions.get().fromStart())
                .get(10, TimeUnit.SECONDS);
        assertThat(recorder.confirmed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.caughtUpRevision).isEqualTo(2L);
        append(stream, 2, "After");
        recorder.awaitEvents(5);
        subscription.stop();

        assertThat(recorder.revisions()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(recorder.events.get(4).getOriginalEvent().getEventType()).isEqualTo("After");
        assertThat(subscription.getSubscriptionId()).isNotBlank();
    }

    @Test
    void fromRevisionIsExclusiveAndFromEndIsLiveOnly() throws Exception {
        String stream = stream();
        append(stream, 5, "E");
        Recorder afterOne = new Recorder();
        Recorder fromEnd = new Recorder();
        Subscription a = client.subscribeToStream(stream, afterOne, SubscribeToStreamOptions.get().fromRevision(1)).get();
        Subscription b = client.subscribeToStream(stream, fromEnd, SubscribeToStreamOptions.get().fromEnd()).get();
        assertThat(fromEnd.caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
        append(stream, 1, "E");
        afterOne.awaitEvents(4);
        fromEnd.awaitEvents(1);
        a.stop();
        b.stop();
        assertThat(afterOne.revisions()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(fromEnd.revisions()).containsExactly(5L);
    }

    @Test
    void filteredAllSubscriptionDeliversMatchesAndCheckpoints() throws Exception {
        String type = "Wanted" + UUID.randomUUID().toString().replace("-", "");
        append(stream(), 2, type);
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToAll(new SubscriptionListener() {
            @Override
            public void onEvent(Subscription s, ResolvedEvent event) {
                recorder.onEvent(s, event);
            }

            @Override
            public void onCaughtUp(Subscription s, Instant time, Long revision, Position position) {
                recorder.caughtUp.countDown();
            }
        }, SubscribeToAllOptions.get().fromStart()
                .filter(SubscriptionFilter.newBuilder().addEventTypePrefix(type)
                        .withCheckpointer((s, position) -> {
                            recorder.checkpoints.add(position);
                            return CompletableFuture.completedFuture(null);
                        }, 1)
                        .build())).get();
        assertThat(recorder.caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
        int checkpointsBefore = recorder.checkpoints.size();
        // 100 unwanted events: at a checkpoint every 32 looked at, at least 3 come while nothing matches
        append(stream(), 100, "Unwanted");
        append(stream(), 1, type);
        recorder.awaitEvents(3);
        await(() -> recorder.checkpoints.size() >= checkpointsBefore + 3, "checkpoints while nothing matches");
        subscription.stop();

        assertThat(recorder.events).allMatch(e -> e.getOriginalEvent().getEventType().equals(type)).hasSize(3);
        List<Position> positions = recorder.checkpoints;
        assertThat(positions).isSortedAccordingTo(Position::compareTo);
    }

    @Test
    void allSubscriptionFromAPositionIsExclusive() throws Exception {
        String stream = stream();
        append(stream, 3, "E");
        List<ResolvedEvent> all = client.readAll(ReadAllOptions.get().fromEnd().backwards().maxCount(3)).get()
                .getEvents();
        Position third = all.get(2).getOriginalEvent().getPosition(); // the first of the three
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToAll(recorder, SubscribeToAllOptions.get().fromPosition(third))
                .get();
        assertThat(recorder.caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
        subscription.stop();
        assertThat(recorder.revisions()).containsExactly(1L, 2L);
    }

    @Test
    void tombstoningASubscribedStreamCancelsWithStreamDeleted() throws Exception {
        // the Java client passes the status through as it is; KurrentDB's trailer says what happened
        String stream = stream();
        append(stream, 1, "E");
        Recorder recorder = new Recorder();
        client.subscribeToStream(stream, recorder, SubscribeToStreamOptions.get().fromStart()).get();
        assertThat(recorder.caughtUp.await(10, TimeUnit.SECONDS)).isTrue();

        client.tombstoneStream(stream, DeleteStreamOptions.get()).get();

        Throwable error = recorder.cancelled.get(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(StatusRuntimeException.class);
        StatusRuntimeException status = (StatusRuntimeException) error;
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getTrailers().get(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("stream-deleted");
        assertThat(status.getTrailers().get(Metadata.Key.of("stream-name", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo(stream);
    }

    @Test
    void stoppingFromTheClientEndsTheServerSideSubscription() throws Exception {
        Recorder recorder = new Recorder();
        Subscription subscription = client.subscribeToAll(recorder, SubscribeToAllOptions.get().fromEnd()).get();
        assertThat(recorder.caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
        dev.cairn.engine.streams.EmbeddedEventStore store =
                (dev.cairn.engine.streams.EmbeddedEventStore) node.server.store();
        int before = store.subscriptionCount();
        subscription.stop();
        await(() -> store.subscriptionCount() == before - 1, "the server-side subscription to end");
    }

    @Test
    void aSlowClientIsHeldByFlowControlAndStillGetsEverything() throws Exception {
        String stream = stream();
        for (int i = 0; i < 20; i++) {
            append(stream, 100, "Bulk");
        }
        CountDownLatch release = new CountDownLatch(1);
        List<Long> got = new CopyOnWriteArrayList<>();
        Subscription subscription = client.subscribeToStream(stream, new SubscriptionListener() {
            @Override
            public void onEvent(Subscription s, ResolvedEvent event) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                got.add(event.getOriginalEvent().getRevision());
            }
        }, SubscribeToStreamOptions.get().fromStart()).get();
        // the client is stuck on its first event; appends still complete
        append(stream, 10, "More");
        release.countDown();
        await(() -> got.size() == 2010, "all events, got " + got.size());
        subscription.stop();
        assertThat(got).isEqualTo(IntStream.range(0, 2010).mapToObj(i -> (long) i).toList());
    }
}
