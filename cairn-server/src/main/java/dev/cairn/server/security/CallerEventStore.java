package dev.cairn.server.security;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsumerOptions;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.PersistentSubscription;
import dev.cairn.api.PersistentSubscriptionInfo;
import dev.cairn.api.PersistentSubscriptionListener;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptions;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.engine.security.Security;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The store the gRPC services use on a secure node: each call goes through
 * {@code security.as(principal)} for the principal of the call being handled
 * ({@link CallPrincipal#current()}), so the services stay unaware of security and every path they
 * take is checked. Outside a call (no request context) the caller is anonymous.
 *
 * <p>A view: {@link #close()} does nothing; the node closes the store itself. Thread-safe.
 */
public final class CallerEventStore implements EventStore {

    private final Security security;

    public CallerEventStore(Security security) {
        this.security = security;
    }

    private EventStore caller() {
        return security.as(CallPrincipal.current());
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events) {
        return caller().appendAsync(stream, expected, events);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events,
            Executor completeOn) {
        return caller().appendAsync(stream, expected, events, completeOn);
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAsync(List<AppendRequest> requests) {
        return caller().appendAsync(requests);
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendRecordsAsync(List<AppendRecord> records,
            List<ConsistencyCheck> checks) {
        return caller().appendRecordsAsync(records, checks);
    }

    @Override
    public EventIterator readStream(StreamName stream, ReadStreamOptions options) {
        return caller().readStream(stream, options);
    }

    @Override
    public EventIterator readAll(ReadAllOptions options) {
        return caller().readAll(options);
    }

    @Override
    public CompletableFuture<DeleteResult> deleteAsync(StreamName stream, StreamState expected) {
        return caller().deleteAsync(stream, expected);
    }

    @Override
    public CompletableFuture<DeleteResult> tombstoneAsync(StreamName stream, StreamState expected) {
        return caller().tombstoneAsync(stream, expected);
    }

    @Override
    public CompletableFuture<StreamMetadataResult> getStreamMetadataAsync(StreamName stream) {
        return caller().getStreamMetadataAsync(stream);
    }

    @Override
    public CompletableFuture<AppendResult> setStreamMetadataAsync(StreamName stream, StreamState expectedMetastreamState,
            StreamMetadata metadata) {
        return caller().setStreamMetadataAsync(stream, expectedMetastreamState, metadata);
    }

    @Override
    public Subscription subscribeToStream(StreamName stream, SubscribeToStreamOptions options,
            SubscriptionListener listener) {
        return caller().subscribeToStream(stream, options, listener);
    }

    @Override
    public Subscription subscribeToAll(SubscribeToAllOptions options, SubscriptionListener listener) {
        return caller().subscribeToAll(options, listener);
    }

    /**
     * Persistent subscriptions for the caller of each call: every method asks for the principal
     * when it is called, so this view may be kept.
     */
    @Override
    public PersistentSubscriptions persistentSubscriptions() {
        return new PersistentSubscriptions() {
            private PersistentSubscriptions groups() {
                return caller().persistentSubscriptions();
            }

            @Override
            public void createToStream(StreamName stream, String group, PersistentSubscriptionSettings settings) {
                groups().createToStream(stream, group, settings);
            }

            @Override
            public void createToAll(String group, PersistentSubscriptionSettings settings, EventFilter filter) {
                groups().createToAll(group, settings, filter);
            }

            @Override
            public void update(StreamName source, String group, PersistentSubscriptionSettings settings) {
                groups().update(source, group, settings);
            }

            @Override
            public void delete(StreamName source, String group) {
                groups().delete(source, group);
            }

            @Override
            public Optional<PersistentSubscriptionInfo> getInfo(StreamName source, String group) {
                return groups().getInfo(source, group);
            }

            @Override
            public List<PersistentSubscriptionInfo> list() {
                return groups().list();
            }

            @Override
            public List<PersistentSubscriptionInfo> list(StreamName source) {
                return groups().list(source);
            }

            @Override
            public void replayParked(StreamName source, String group, Long stopAt) {
                groups().replayParked(source, group, stopAt);
            }

            @Override
            public void truncateParked(StreamName source, String group, Long stopAt) {
                groups().truncateParked(source, group, stopAt);
            }

            @Override
            public void restart() {
                groups().restart();
            }

            @Override
            public PersistentSubscription subscribe(StreamName source, String group, ConsumerOptions options,
                    PersistentSubscriptionListener listener) {
                return groups().subscribe(source, group, options, listener);
            }
        };
    }

    @Override
    public Position headPosition() {
        return caller().headPosition();
    }

    /** Does nothing: the node owns the store. */
    @Override
    public void close() {
    }
}
