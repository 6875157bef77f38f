package dev.cairn.server.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.Principal;
import dev.cairn.server.SecureTestNode;
import dev.cairn.server.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.KurrentDBProjectionManagementClient;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.ProjectionDetails;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard projections as a KurrentDB user meets them through the official client: a
 * subscription to {@code $ce-<category>} with links resolved receives the category's events, and
 * a link into a deleted stream arrives unresolved, and a persistent subscription group on a
 * category stream hands out the category's events.
 */
class StandardProjectionsOverGrpcTest {

    @TempDir
    Path dir;

    @Test
    void aCategorySubscriptionReceivesTheCategorysEventsResolved() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).standardProjections(true).build())) {
            String category = "cat" + UUID.randomUUID().toString().replace("-", "");
            BlockingQueue<ResolvedEvent> received = new LinkedBlockingQueue<>();
            Subscription subscription = subscribeResolving(node, "$ce-" + category, received);
            try {
                EventData first = EventData.builderAsJson("Opened", "{\"n\":1}".getBytes(StandardCharsets.UTF_8))
                        .eventId(UUID.randomUUID()).build();
                EventData second = EventData.builderAsJson("Credited", "{\"n\":2}".getBytes(StandardCharsets.UTF_8))
                        .eventId(UUID.randomUUID()).build();
                node.client.appendToStream(category + "-1", first).get(10, TimeUnit.SECONDS);
                node.client.appendToStream(category + "-2", second).get(10, TimeUnit.SECONDS);

                ResolvedEvent a = received.poll(20, TimeUnit.SECONDS);
                ResolvedEvent b = received.poll(20, TimeUnit.SECONDS);
                assertThat(a).isNotNull();
                assertThat(b).isNotNull();
                assertThat(a.getEvent().getEventId()).isEqualTo(first.getEventId());
                assertThat(a.getEvent().getStreamId()).isEqualTo(category + "-1");
                assertThat(a.getLink().getStreamId()).isEqualTo("$ce-" + category);
                assertThat(a.getLink().getEventType()).isEqualTo("$>");
                assertThat(b.getEvent().getEventId()).isEqualTo(second.getEventId());
                assertThat(b.getLink().getRevision()).isEqualTo(1);
            } finally {
                subscription.stop();
            }

            List<ResolvedEvent> byType = node.client.readStream("$et-Credited", ReadStreamOptions.get().resolveLinkTos())
                    .get(10, TimeUnit.SECONDS).getEvents();
            assertThat(byType).extracting(e -> e.getEvent().getStreamId()).containsExactly(category + "-2");
        }
    }

    @Test
    void aLinkIntoADeletedStreamArrivesUnresolved() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).standardProjections(true).build())) {
            String category = "del" + UUID.randomUUID().toString().replace("-", "");
            node.client.appendToStream(category + "-test", EventData.builderAsJson("TestEvent",
                    "{}".getBytes(StandardCharsets.UTF_8)).build()).get(10, TimeUnit.SECONDS);
            node.client.deleteStream(category + "-test", DeleteStreamOptions.get().streamState(StreamState.streamExists()))
                    .get(10, TimeUnit.SECONDS);

            BlockingQueue<ResolvedEvent> received = new LinkedBlockingQueue<>();
            Subscription subscription = subscribeResolving(node, "$ce-" + category, received);
            try {
                ResolvedEvent link = received.poll(20, TimeUnit.SECONDS);
                assertThat(link).isNotNull();
                assertThat(link.getOriginalEvent().getEventType()).isEqualTo("$>");
                assertThat(new String(link.getOriginalEvent().getEventData(), StandardCharsets.UTF_8))
                        .isEqualTo("0@" + category + "-test");
                ResolvedEvent deletion = received.poll(20, TimeUnit.SECONDS);
                assertThat(deletion).as("the deletion's own link").isNotNull();
                assertThat(new String(deletion.getOriginalEvent().getUserMetadata(), StandardCharsets.UTF_8))
                        .contains("\"$deleted\":-1");
            } finally {
                subscription.stop();
            }
        }
    }

    @Test
    void aPersistentSubscriptionToACategoryDeliversItsEventsResolvedAndTakesAcks() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).standardProjections(true).build())) {
            KurrentDBPersistentSubscriptionsClient persistent = KurrentDBPersistentSubscriptionsClient.from(node.client);
            String category = "ps" + UUID.randomUUID().toString().replace("-", "");
            for (int i = 0; i < 3; i++) {
                node.client.appendToStream(category + "-" + i, EventData.builderAsJson("Happened",
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)).build()).get(10, TimeUnit.SECONDS);
            }
            persistent.createToStream("$ce-" + category, "workers", CreatePersistentSubscriptionToStreamOptions.get()
                    .fromStart().resolveLinkTos()).get(10, TimeUnit.SECONDS);
            BlockingQueue<ResolvedEvent> received = new LinkedBlockingQueue<>();
            PersistentSubscription subscription = persistent.subscribeToStream("$ce-" + category, "workers",
                    new PersistentSubscriptionListener() {
                        @Override
                        public void onEvent(PersistentSubscription s, int retryCount, ResolvedEvent event) {
                            received.add(event);
                            s.ack(event);
                        }
                    }).get(10, TimeUnit.SECONDS);
            try {
                for (int i = 0; i < 3; i++) {
                    ResolvedEvent e = received.poll(20, TimeUnit.SECONDS);
                    assertThat(e).as("event %d", i).isNotNull();
                    assertThat(e.getEvent().getStreamId()).isEqualTo(category + "-" + i);
                    assertThat(e.getLink().getStreamId()).isEqualTo("$ce-" + category);
                }
                assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("nothing more").isNull();
            } finally {
                subscription.stop();
            }
        }
    }

    @Test
    void projectionManagementListsTheStandardProjectionsAndRunsNoUserProjectionUnlessAllowed() throws Exception {
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).standardProjections(true).build())) {
            KurrentDBProjectionManagementClient projections = KurrentDBProjectionManagementClient.from(node.client);
            node.client.appendToStream("stats-1", EventData.builderAsJson("Happened",
                    "{}".getBytes(StandardCharsets.UTF_8)).build()).get(10, TimeUnit.SECONDS);
            awaitCaughtUp(projections);

            List<ProjectionDetails> all = projections.list().get(10, TimeUnit.SECONDS);
            assertThat(all).extracting(ProjectionDetails::getName).containsExactly("$by_category", "$by_event_type",
                    "$streams", "$stream_by_category", "$by_correlation_id");
            assertThat(all).allSatisfy(d -> {
                assertThat(d.getStatus()).isEqualTo("Running");
                assertThat(d.getMode()).isEqualTo("Continuous");
                assertThat(d.getEventsProcessedAfterRestart()).isPositive();
                assertThat(d.getPosition()).startsWith("C:");
            });
            ProjectionDetails byCategory = projections.getStatus("$by_category").get(10, TimeUnit.SECONDS);
            assertThat(byCategory.getName()).isEqualTo("$by_category");
            assertThat(byCategory.getLastCheckpoint()).startsWith("C:");

            assertFailsWith(Status.Code.NOT_FOUND,
                    () -> projections.getStatus("no such projection").get(10, TimeUnit.SECONDS));
            projections.disable("$by_category").get(10, TimeUnit.SECONDS);
            assertThat(status(projections, "$by_category")).isEqualTo("Stopped");
            projections.enable("$by_category").get(10, TimeUnit.SECONDS);
            assertThat(status(projections, "$by_category")).isEqualTo("Running");
            projections.abort("$by_category").get(10, TimeUnit.SECONDS);
            assertThat(status(projections, "$by_category")).isEqualTo("Stopped");
            projections.enable("$by_category").get(10, TimeUnit.SECONDS);
            assertFailsWith(Status.Code.NOT_FOUND,
                    () -> projections.disable("no such projection").get(10, TimeUnit.SECONDS));
            // KurrentDB's system mode stores a user projection and lists it without running it
            projections.create("mine", "fromAll().when({})").get(10, TimeUnit.SECONDS);
            assertThat(status(projections, "mine")).isEqualTo("Stopped");
            projections.enable("mine").get(10, TimeUnit.SECONDS);
            assertThat(status(projections, "mine")).isEqualTo("Stopped");
        }
    }

    @Test
    void withoutStartingThemTheStandardProjectionsAreListedStoppedAndRunOnceEnabled() throws Exception {
        // --run-projections=system without --start-standard-projections
        try (TestNode node = TestNode.start(TestNode.optionsBuilder(dir).systemProjections(true).build())) {
            KurrentDBProjectionManagementClient projections = KurrentDBProjectionManagementClient.from(node.client);
            node.client.appendToStream("idle-1", EventData.builderAsJson("Happened",
                    "{}".getBytes(StandardCharsets.UTF_8)).build()).get(10, TimeUnit.SECONDS);
            List<ProjectionDetails> all = projections.list().get(10, TimeUnit.SECONDS);
            assertThat(all).extracting(ProjectionDetails::getName).containsExactly("$by_category", "$by_event_type",
                    "$streams", "$stream_by_category", "$by_correlation_id");
            assertThat(all).extracting(ProjectionDetails::getStatus).containsOnly("Stopped");
            assertThat(node.client.readStream("$ce-idle", ReadStreamOptions.get()).handle((r, e) -> e))
                    .as("nothing written while stopped: reading $ce-idle fails").succeedsWithin(10, TimeUnit.SECONDS)
                    .isNotNull();

            projections.enable("$by_category").get(10, TimeUnit.SECONDS);
            assertThat(status(projections, "$by_category")).isEqualTo("Running");
            assertThat(status(projections, "$by_event_type")).isEqualTo("Stopped");
            BlockingQueue<ResolvedEvent> received = new LinkedBlockingQueue<>();
            Subscription subscription = subscribeResolving(node, "$ce-idle", received);
            try {
                ResolvedEvent first = received.poll(20, TimeUnit.SECONDS);
                assertThat(first).isNotNull();
                assertThat(first.getEvent().getStreamId()).isEqualTo("idle-1");
            } finally {
                subscription.stop();
            }
            projections.create("mine", "fromAll().when({})").get(10, TimeUnit.SECONDS);
            assertThat(projections.list().get(10, TimeUnit.SECONDS)).extracting(ProjectionDetails::getName)
                    .endsWith("mine");
            assertThat(status(projections, "mine")).isEqualTo("Stopped");
        }
    }

    @Test
    void onASecureNodeUsersReadStatisticsAndOnlyAdminsEnableOrDisable() throws Exception {
        try (SecureTestNode node = SecureTestNode.startWithProjections(dir)) {
            node.security.users(Principal.user("admin", Set.of(Principal.ADMINS)))
                    .createUser("reader", "Reader", List.of(), "secret");
            KurrentDBProjectionManagementClient user = KurrentDBProjectionManagementClient.from(
                    node.client("reader", "secret"));
            KurrentDBProjectionManagementClient admin = KurrentDBProjectionManagementClient.from(
                    node.client("admin", "changeit"));
            assertThat(user.list().get(10, TimeUnit.SECONDS)).hasSize(5);
            assertFailsWith(Status.Code.PERMISSION_DENIED,
                    () -> user.disable("$by_category").get(10, TimeUnit.SECONDS));
            assertThat(admin.getStatus("$by_category").get(10, TimeUnit.SECONDS).getStatus()).isEqualTo("Running");
            admin.disable("$by_category").get(10, TimeUnit.SECONDS);
            assertThat(user.getStatus("$by_category").get(10, TimeUnit.SECONDS).getStatus()).isEqualTo("Stopped");
        }
    }

    @Test
    void withoutProjectionsTheServiceIsNotServed() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            KurrentDBProjectionManagementClient projections = KurrentDBProjectionManagementClient.from(node.client);
            assertFailsWith(Status.Code.UNIMPLEMENTED,
                    () -> projections.list().get(10, TimeUnit.SECONDS));
        }
    }

    private static String status(KurrentDBProjectionManagementClient projections, String name) throws Exception {
        return projections.getStatus(name).get(10, TimeUnit.SECONDS).getStatus();
    }

    /** Asserts that {@code call} fails with a gRPC status of {@code code}. */
    private static void assertFailsWith(Status.Code code, ThrowingCallable call) {
        assertThatThrownBy(call).hasCauseInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                        .isEqualTo(code));
    }

    /** Waits until every standard projection has handled an event and {@code $by_category} has written. */
    private static void awaitCaughtUp(KurrentDBProjectionManagementClient projections) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<ProjectionDetails> all = projections.list().get(10, TimeUnit.SECONDS);
            if (all.stream().allMatch(d -> d.getEventsProcessedAfterRestart() > 0 && d.getProgress() > 0)
                    && all.stream().anyMatch(d -> d.getName().equals("$by_category")
                            && !d.getLastCheckpoint().isEmpty())) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Subscribes to {@code stream} from its start, links resolved, putting what arrives in {@code received}. */
    private static Subscription subscribeResolving(TestNode node, String stream, BlockingQueue<ResolvedEvent> received)
            throws Exception {
        return node.client.subscribeToStream(stream, new SubscriptionListener() {
            @Override
            public void onEvent(Subscription s, ResolvedEvent event) {
                received.add(event);
            }
        }, SubscribeToStreamOptions.get().resolveLinkTos()).get(10, TimeUnit.SECONDS);
    }
}
