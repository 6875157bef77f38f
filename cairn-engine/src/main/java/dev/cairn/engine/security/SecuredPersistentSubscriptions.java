package dev.cairn.engine.security;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.EventFilter;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.Principal;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.engine.security.Authorizer.Operation;
import dev.cairn.engine.security.Authorizer.StreamAccess;
import java.util.List;
import java.util.Optional;

/**
 * Persistent subscriptions as one principal may use them, with KurrentDB's rules: managing groups
 * (create, update, delete, restart, replay or truncate parked events) is for {@code $ops} and
 * administrators; listing and reading a group's statistics for any authenticated user; joining a
 * group as a consumer needs an authenticated user with the read right on the group's stream
 * ({@code $all} for a group on {@code $all}). Denied calls throw {@link AccessDeniedException}
 * and change nothing. A consumer is checked again before each event it is given, so one whose
 * read right is taken away (new {@code $acl} or {@code $settings}) leaves the group with
 * {@link AccessDeniedException}, as a catch-up subscription ends; the event goes to another
 * consumer or is retried, as when any consumer leaves. Thread-safe.
 */
final class SecuredPersistentSubscriptions implements PersistentSubscriptions {

    private final PersistentSubscriptions groups;
    private final Authorizer authorizer;
    private final Principal principal;

    SecuredPersistentSubscriptions(PersistentSubscriptions groups, Authorizer authorizer, Principal principal) {
        this.groups = groups;
        this.authorizer = authorizer;
        this.principal = principal;
    }

    private void check(Operation operation) {
        authorizer.check(principal, operation);
    }

    @Override
    public void createToStream(StreamName stream, String group, PersistentSubscriptionSettings settings) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_CREATE);
        groups.createToStream(stream, group, settings);
    }

    @Override
    public void createToAll(String group, PersistentSubscriptionSettings settings, EventFilter filter) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_CREATE);
        groups.createToAll(group, settings, filter);
    }

    @Override
    public void update(StreamName source, String group, PersistentSubscriptionSettings settings) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_UPDATE);
        groups.update(source, group, settings);
    }

    @Override
    public void delete(StreamName source, String group) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_DELETE);
        groups.delete(source, group);
    }

    @Override
    public Optional<PersistentSubscriptionInfo> getInfo(StreamName source, String group) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_STATISTICS);
        return groups.getInfo(source, group);
    }

    @Override
    public List<PersistentSubscriptionInfo> list() {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_STATISTICS);
        return groups.list();
    }

    @Override
    public List<PersistentSubscriptionInfo> list(StreamName source) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_STATISTICS);
        return groups.list(source);
    }

    @Override
    public void replayParked(StreamName source, String group, Long stopAt) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_REPLAY_PARKED);
        groups.replayParked(source, group, stopAt);
    }

    @Override
    public void truncateParked(StreamName source, String group, Long stopAt) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_TRUNCATE_PARKED);
        groups.truncateParked(source, group, stopAt);
    }

    @Override
    public void restart() {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_RESTART);
        groups.restart();
    }

    @Override
    public PersistentSubscription subscribe(StreamName source, String group, ConsumerOptions options,
            PersistentSubscriptionListener listener) {
        check(Operation.PERSISTENT_SUBSCRIPTIONS_CONSUME);
        if (source != null) {
            authorizer.checkStream(principal, StreamAccess.READ, source);
        }
        return groups.subscribe(source, group, options, listener == null ? null : new PersistentSubscriptionListener() {
            @Override
            public void onEvent(PersistentSubscription subscription, ResolvedEvent event, int retryCount) {
                if (source != null) {
                    authorizer.checkStream(principal, StreamAccess.READ, source); // the consumer leaves with it
                }
                listener.onEvent(subscription, event, retryCount);
            }

            @Override
            public void onStopped(PersistentSubscription subscription, Throwable error) {
                listener.onStopped(subscription, error);
            }
        });
    }
}
