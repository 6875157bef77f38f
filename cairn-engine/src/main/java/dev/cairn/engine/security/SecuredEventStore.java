package dev.cairn.engine.security;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.CairnException;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.Position;
import dev.cairn.api.Principal;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.security.Authorizer.StreamAccess;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The store as one principal may use it: every call is checked with the {@link Authorizer} before
 * it reaches the store, so a denied call fails with {@link AccessDeniedException} and writes
 * nothing. A multi-stream append needs the write right on every stream it touches; an
 * AppendRecords call the write right on each stream written and the read right on each stream
 * only checked. Subscriptions check again before each delivery, so one whose access is taken away
 * (new {@code $acl} or {@code $settings}) ends with {@link AccessDeniedException}, as KurrentDB
 * drops it. Persistent subscriptions follow {@link SecuredPersistentSubscriptions}.
 *
 * <p>A view: {@link #close()} does not close the store. Thread-safe.
 */
final class SecuredEventStore implements EventStore {

    private static final StreamName ALL = StreamName.of(StreamName.ALL);

    private final EventStore store;
    private final Authorizer authorizer;
    private final Principal principal;

    SecuredEventStore(EventStore store, Authorizer authorizer, Principal principal) {
        this.store = store;
        this.authorizer = authorizer;
        this.principal = principal;
    }

    private void check(StreamAccess access, StreamName stream) {
        if (stream != null) { // a null name is the store's to refuse
            authorizer.checkStream(principal, access, stream);
        }
    }

    private static <T> CompletableFuture<T> denied(CairnException e) {
        return CompletableFuture.failedFuture(e);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events) {
        try {
            check(StreamAccess.WRITE, stream);
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.appendAsync(stream, expected, events);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events,
            Executor completeOn) {
        try {
            check(StreamAccess.WRITE, stream);
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.appendAsync(stream, expected, events, completeOn);
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAsync(List<AppendRequest> requests) {
        try {
            if (requests != null) {
                for (AppendRequest r : requests) {
                    check(StreamAccess.WRITE, r.stream());
                }
            }
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.appendAsync(requests);
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendRecordsAsync(List<AppendRecord> records,
            List<ConsistencyCheck> checks) {
        try {
            Set<StreamName> written = new HashSet<>();
            if (records != null) {
                for (AppendRecord r : records) {
                    if (written.add(r.stream())) {
                        check(StreamAccess.WRITE, r.stream());
                    }
                }
            }
            if (checks != null) {
                for (ConsistencyCheck c : checks) {
                    if (!written.contains(c.stream())) {
                        check(StreamAccess.READ, c.stream());
                    }
                }
            }
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.appendRecordsAsync(records, checks);
    }

    @Override
    public EventIterator readStream(StreamName stream, ReadStreamOptions options) {
        check(StreamAccess.READ, stream);
        return store.readStream(stream, options);
    }

    @Override
    public EventIterator readAll(ReadAllOptions options) {
        check(StreamAccess.READ, ALL);
        return store.readAll(options);
    }

    @Override
    public CompletableFuture<DeleteResult> deleteAsync(StreamName stream, StreamState expected) {
        try {
            check(StreamAccess.DELETE, stream);
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.deleteAsync(stream, expected);
    }

    @Override
    public CompletableFuture<DeleteResult> tombstoneAsync(StreamName stream, StreamState expected) {
        try {
            check(StreamAccess.DELETE, stream);
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.tombstoneAsync(stream, expected);
    }

    @Override
    public CompletableFuture<StreamMetadataResult> getStreamMetadataAsync(StreamName stream) {
        try {
            check(StreamAccess.METADATA_READ, stream);
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.getStreamMetadataAsync(stream);
    }

    @Override
    public CompletableFuture<AppendResult> setStreamMetadataAsync(StreamName stream, StreamState expectedMetastreamState,
            StreamMetadata metadata) {
        try {
            check(StreamAccess.METADATA_WRITE, stream);
        } catch (AccessDeniedException e) {
            return denied(e);
        }
        return store.setStreamMetadataAsync(stream, expectedMetastreamState, metadata);
    }

    @Override
    public Subscription subscribeToStream(StreamName stream, SubscribeToStreamOptions options,
            SubscriptionListener listener) {
        check(StreamAccess.READ, stream);
        return store.subscribeToStream(stream, options, guarded(stream, listener));
    }

    @Override
    public Subscription subscribeToAll(SubscribeToAllOptions options, SubscriptionListener listener) {
        check(StreamAccess.READ, ALL);
        return store.subscribeToAll(options, guarded(ALL, listener));
    }

    private SubscriptionListener guarded(StreamName stream, SubscriptionListener listener) {
        if (listener == null) {
            return null;
        }
        return new SubscriptionListener() {
            @Override
            public void onEvent(Subscription subscription, ResolvedEvent event) {
                check(StreamAccess.READ, stream); // the subscription ends with this error
                listener.onEvent(subscription, event);
            }

            @Override
            public void onCaughtUp(Subscription subscription) {
                listener.onCaughtUp(subscription);
            }

            @Override
            public void onCheckpoint(Subscription subscription, Position position) {
                check(StreamAccess.READ, stream);
                listener.onCheckpoint(subscription, position);
            }

            @Override
            public void onStopped(Subscription subscription, Throwable error) {
                listener.onStopped(subscription, error);
            }
        };
    }

    @Override
    public PersistentSubscriptions persistentSubscriptions() {
        return new SecuredPersistentSubscriptions(store.persistentSubscriptions(), authorizer, principal);
    }

    @Override
    public Position headPosition() {
        return store.headPosition();
    }

    /** Does nothing: the view does not own the store. */
    @Override
    public void close() {
    }
}
