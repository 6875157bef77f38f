package dev.cairn.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.Acl;
import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stream ACLs on the embedded store through {@link Security#as}: KurrentDB's defaults, a stream's
 * {@code $acl}, {@code $settings}, metadata streams, multi-stream appends and subscriptions. Denied
 * calls write nothing.
 */
class AccessControlTest extends SecurityFixture {

    private static EventData event() {
        return EventData.json("Happened", "{}");
    }

    private static StreamName name(String s) {
        return StreamName.of(s);
    }

    private long count(String stream) {
        try {
            return store.readStreamToList(name(stream), ReadStreamOptions.forwards()).size();
        } catch (StreamNotFoundException e) {
            return 0;
        }
    }

    @Test
    void byDefaultUsersOwnUserStreamsAndAdministratorsOwnSystemStreams() {
        EventStore bob = security.as(user("bob"));
        bob.append("orders-1", StreamState.any(), event());
        assertThat(bob.readStreamToList(name("orders-1"), ReadStreamOptions.forwards())).hasSize(1);
        bob.setStreamMetadata(name("orders-1"), StreamState.any(), StreamMetadata.EMPTY.withMaxCount(10L));
        assertThat(bob.getStreamMetadata(name("orders-1")).metadata().maxCount()).isEqualTo(10L);
        bob.delete(name("orders-1"), StreamState.any());

        assertThatThrownBy(() -> bob.append("$system-1", StreamState.any(), event()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("bob").hasMessageContaining("$system-1");
        assertThatThrownBy(() -> bob.readStreamToList(name("$user-admin"), ReadStreamOptions.forwards()))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> bob.readAllToList(ReadAllOptions.forwards())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> bob.append("$settings", StreamState.any(), EventData.json("$settings", "{}")))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(count("$system-1")).isZero();

        EventStore admin = security.as(this.admin);
        admin.append("$system-1", StreamState.any(), event());
        assertThat(admin.readAllToList(ReadAllOptions.forwards())).isNotEmpty();
        assertThat(admin.readStreamToList(name("$user-admin"), ReadStreamOptions.forwards())).hasSize(1);

        EventStore ops = security.as(security.authenticate("ops", "changeit"));
        ops.append("orders-2", StreamState.any(), event());
        assertThatThrownBy(() -> ops.readAllToList(ReadAllOptions.forwards())).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void anonymousCallersAreRefusedEvenWhereTheListSaysEveryone() {
        EventStore anonymous = security.as(Principal.ANONYMOUS);
        assertThatThrownBy(() -> anonymous.append("orders-1", StreamState.any(), event()))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> anonymous.readStreamToList(name("orders-1"), ReadStreamOptions.forwards()))
                .isInstanceOf(AccessDeniedException.class);

        store.close();
        store = dev.cairn.engine.Cairn.open(dev.cairn.engine.CairnOptions.builder(dir).segmentSize(1 << 20)
                .maxEventSize(100_000).build());
        security = Security.open(store, options().allowAnonymousStreamAccess(true).build());
        EventStore allowed = security.as(Principal.ANONYMOUS);
        allowed.append("orders-1", StreamState.any(), event());
        assertThatThrownBy(() -> allowed.append("$system", StreamState.any(), event()))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aStreamsAclNamesUsersAndGroupsPerAccess() {
        EventStore admin = security.as(this.admin);
        admin.setStreamMetadata(name("ledger"), StreamState.any(), StreamMetadata.EMPTY.withAcl(
                new Acl(List.of("auditors", "carol"), List.of("clerks"), null, List.of("auditors"), List.of("$admins"))));
        EventStore clerk = security.as(user("clara", "clerks"));
        EventStore auditor = security.as(user("aud", "auditors"));
        EventStore carol = security.as(user("carol"));
        EventStore stranger = security.as(user("stranger"));

        clerk.append("ledger", StreamState.any(), event());
        assertThatThrownBy(() -> clerk.readStreamToList(name("ledger"), ReadStreamOptions.forwards()))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(auditor.readStreamToList(name("ledger"), ReadStreamOptions.forwards())).hasSize(1);
        assertThat(carol.readStreamToList(name("ledger"), ReadStreamOptions.forwards())).hasSize(1);
        assertThatThrownBy(() -> auditor.append("ledger", StreamState.any(), event()))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> stranger.readStreamToList(name("ledger"), ReadStreamOptions.forwards()))
                .isInstanceOf(AccessDeniedException.class);
        // metadata: read by $mr, written by $mw only; the metadata stream itself follows the same rights
        assertThat(auditor.getStreamMetadata(name("ledger")).metadata().acl()).isNotNull();
        assertThat(auditor.readStreamToList(name("$$ledger"), ReadStreamOptions.forwards())).hasSize(1);
        assertThatThrownBy(() -> clerk.getStreamMetadata(name("ledger"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> auditor.setStreamMetadata(name("ledger"), StreamState.any(), StreamMetadata.EMPTY))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> auditor.append("$$ledger", StreamState.any(), EventData.json("$metadata", "{}")))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> auditor.delete(name("$$ledger"), StreamState.any()))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(admin.getStreamMetadata(name("ledger")).metadata().acl().read()).containsExactly("auditors", "carol");

        // $d is not set: the user-stream default ($all) applies; as in KurrentDB, a soft delete
        // replaces the metadata, ACL included
        assertThat(stranger.delete(name("ledger"), StreamState.any())).isNotNull();
        assertThat(admin.getStreamMetadata(name("ledger")).metadata().acl()).isNull();
    }

    @Test
    void settingsChangeTheDefaultsAtOnce() {
        EventStore bob = security.as(user("bob"));
        bob.append("orders-1", StreamState.any(), event());
        security.as(admin).append("$settings", StreamState.any(), EventData.json("$settings",
                "{\"$userStreamAcl\": {\"$r\": \"$admins\", \"$w\": [\"bob\", \"$admins\"]},"
                        + " \"$systemStreamAcl\": {\"$r\": [\"$admins\", \"bob\"]}}"));
        assertThatThrownBy(() -> bob.readStreamToList(name("orders-1"), ReadStreamOptions.forwards()))
                .isInstanceOf(AccessDeniedException.class);
        bob.append("orders-1", StreamState.any(), event());
        // what $settings leaves out comes from the defaults: $d of user streams is $all
        bob.delete(name("orders-1"), StreamState.any());
        assertThat(bob.readStreamToList(name("$users"), ReadStreamOptions.forwards())).hasSize(3);
        assertThatThrownBy(() -> security.as(user("eve")).append("orders-9", StreamState.any(), event()))
                .isInstanceOf(AccessDeniedException.class);

        // malformed settings count as unset
        security.as(admin).append("$settings", StreamState.any(), EventData.json("$settings", "{\"$userStreamAcl\": 7}"));
        bob.append("orders-3", StreamState.any(), event());
        assertThat(bob.readStreamToList(name("orders-3"), ReadStreamOptions.forwards())).hasSize(1);
    }

    @Test
    void aMultiStreamAppendNeedsTheWriteRightOnEveryStreamAndWritesNothingOtherwise() {
        EventStore bob = security.as(user("bob"));
        assertThatThrownBy(() -> bob.append(List.of(
                new AppendRequest(name("mine"), StreamState.any(), List.of(event())),
                new AppendRequest(name("$theirs"), StreamState.any(), List.of(event())))))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(count("mine")).isZero();
        assertThat(count("$theirs")).isZero();

        assertThatThrownBy(() -> bob.appendRecords(List.of(new AppendRecord(name("mine"), event())),
                List.of(new ConsistencyCheck(name("$theirs"), StreamState.noStream()))))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(count("mine")).isZero();
        bob.appendRecords(List.of(new AppendRecord(name("mine"), event())),
                List.of(new ConsistencyCheck(name("other"), StreamState.noStream())));
        assertThat(count("mine")).isEqualTo(1);
    }

    @Test
    void subscriptionsAreCheckedAtStartAndEndWhenAccessIsTakenAway() throws Exception {
        Principal bob = user("bob");
        assertThatThrownBy(() -> security.as(bob).subscribeToAll(SubscribeToAllOptions.fromStart(), new Listener()))
                .isInstanceOf(AccessDeniedException.class);

        Listener listener = new Listener();
        EventStore asBob = security.as(bob);
        asBob.append("watched", StreamState.any(), event());
        Subscription s = asBob.subscribeToStream(name("watched"), SubscribeToStreamOptions.fromStart(), listener);
        listener.caughtUp.get(10, TimeUnit.SECONDS);
        assertThat(listener.events).hasSize(1);

        security.as(admin).setStreamMetadata(name("watched"), StreamState.any(),
                StreamMetadata.EMPTY.withAcl(new Acl(List.of("$admins"), null, null, null, null)));
        security.as(admin).append("watched", StreamState.any(), event());
        assertThat(listener.stopped.get(10, TimeUnit.SECONDS)).isInstanceOf(AccessDeniedException.class);
        assertThat(listener.events).hasSize(1);
        s.stop();
    }

    @Test
    void persistentSubscriptionsAreManagedByOpsAndConsumedByReaders() {
        Principal bob = user("bob");
        var asBob = security.as(bob).persistentSubscriptions();
        var asOps = security.as(security.authenticate("ops", "changeit")).persistentSubscriptions();
        var settings = dev.cairn.api.PersistentSubscriptionSettings.defaults();
        assertThatThrownBy(() -> asBob.createToStream(name("orders"), "g", settings))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> security.as(Principal.ANONYMOUS).persistentSubscriptions().list())
                .isInstanceOf(AccessDeniedException.class);
        asOps.createToStream(name("orders"), "g", settings);
        asOps.createToStream(name("$audit"), "g", settings);
        assertThat(asBob.list()).hasSize(2);
        assertThatThrownBy(() -> asBob.delete(name("orders"), "g")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> asBob.restart()).isInstanceOf(AccessDeniedException.class);

        dev.cairn.api.PersistentSubscriptionListener ignore = (subscription, event, retryCount) -> { };
        asBob.subscribe(name("orders"), "g", dev.cairn.api.ConsumerOptions.bufferSize(10), ignore).stop();
        assertThatThrownBy(() -> asBob.subscribe(name("$audit"), "g", dev.cairn.api.ConsumerOptions.bufferSize(10),
                ignore)).isInstanceOf(AccessDeniedException.class);
        assertThat(store.persistentSubscriptions().list()).hasSize(2);
    }

    @Test
    void persistentConsumersLeaveWhenAccessIsTakenAwayAndTheirEventGoesToAnother() throws Exception {
        Principal bob = user("bob");
        security.as(security.authenticate("ops", "changeit")).persistentSubscriptions().createToStream(
                name("guarded"), "g", PersistentSubscriptionSettings.defaults()
                        .startFrom(PersistentSubscriptionSettings.StartFrom.Start.INSTANCE));
        security.as(bob).append("guarded", StreamState.any(), event());

        List<ResolvedEvent> bobs = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> bobStopped = new CompletableFuture<>();
        PersistentSubscription asBob = security.as(bob).persistentSubscriptions().subscribe(name("guarded"), "g",
                ConsumerOptions.bufferSize(10), new PersistentSubscriptionListener() {
                    @Override
                    public void onEvent(PersistentSubscription s, ResolvedEvent e, int retryCount) {
                        bobs.add(e);
                        s.ack(List.of(e.event().id()));
                    }

                    @Override
                    public void onStopped(PersistentSubscription s, Throwable error) {
                        bobStopped.complete(error);
                    }
                });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bobs.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(bobs).hasSize(1);

        security.as(admin).setStreamMetadata(name("guarded"), StreamState.any(),
                StreamMetadata.EMPTY.withAcl(new Acl(List.of("$admins"), null, null, null, null)));
        security.as(admin).append("guarded", StreamState.any(), EventData.json("Secret", "{}"));
        assertThat(bobStopped.get(10, TimeUnit.SECONDS)).isInstanceOf(AccessDeniedException.class);
        assertThat(bobs).hasSize(1);

        CompletableFuture<ResolvedEvent> admins = new CompletableFuture<>();
        PersistentSubscription asAdmin = security.as(admin).persistentSubscriptions().subscribe(name("guarded"), "g",
                ConsumerOptions.bufferSize(10), (s, e, retryCount) -> admins.complete(e));
        assertThat(admins.get(10, TimeUnit.SECONDS).event().type().value()).isEqualTo("Secret");
        asAdmin.stop();
        asBob.stop();
    }

    private static final class Listener implements SubscriptionListener {
        final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        final CompletableFuture<Throwable> stopped = new CompletableFuture<>();

        @Override
        public void onEvent(Subscription subscription, ResolvedEvent event) {
            events.add(event);
        }

        @Override
        public void onCaughtUp(Subscription subscription) {
            caughtUp.complete(null);
        }

        @Override
        public void onStopped(Subscription subscription, Throwable error) {
            stopped.complete(error);
        }
    }
}
