package dev.cairn.client;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ContentType;
import dev.cairn.api.DeleteResult;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.Position;
import dev.cairn.api.ReadAllOptions;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamMetadataResult;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.StreamState;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;
import dev.cairn.protocol.streams.DeleteReq;
import dev.cairn.protocol.streams.DeleteResp;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.streams.StreamsGrpc;
import dev.cairn.protocol.streams.TombstoneReq;
import dev.cairn.protocol.streams.TombstoneResp;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@link EventStore} API over gRPC: talks KurrentDB's protocol to a Cairn node or to KurrentDB
 * itself, so code written against the embedded store runs unchanged against a server.
 *
 * <pre>{@code
 * try (CairnClient client = CairnClient.connect("kurrentdb://127.0.0.1:2113?tls=false")) {
 *     client.append("order-1", StreamState.noStream(), EventData.json("OrderPlaced", "{}"));
 * }
 * }</pre>
 *
 * <p>Calls map to {@code event_store.client.streams.Streams} ({@code Append}, {@code Read},
 * {@code Delete}, {@code Tombstone}; subscriptions are {@code Read} with the subscription option)
 * and, for multi-stream appends, to the v2 {@code AppendSession} and {@code AppendRecords} when
 * the node lists them in {@code ServerFeatures}. Errors come back as the exceptions the embedded
 * store throws. A call whose node cannot be reached is retried on a new connection with backoff
 * ({@code maxDiscoverAttempts} attempts, waits from {@code discoveryInterval} doubling); a
 * not-leader answer moves the connection to the leader and retries at once. Subscriptions
 * resubscribe after the last event they delivered.
 *
 * <p>Thread-safe. One client holds one channel; share it.
 */
public final class CairnClient implements EventStore {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> REQUIRES_LEADER = Metadata.Key.of("requires-leader",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Connection connection;
    private final UserCredentials credentials;
    private final boolean owner;
    private final Set<RemoteSubscription> subscriptions;
    private final RemotePersistentSubscriptions persistent;
    private final Appends.Stubs stubs = new Appends.Stubs() {
        @Override
        public StreamsGrpc.StreamsStub v1(Node node) {
            return unary(StreamsGrpc.newStub(node.channel()));
        }

        @Override
        public StreamsServiceGrpc.StreamsServiceStub v2(Node node) {
            return unary(StreamsServiceGrpc.newStub(node.channel()));
        }
    };

    private CairnClient(Connection connection, UserCredentials credentials, boolean owner,
            Set<RemoteSubscription> subscriptions) {
        this.connection = connection;
        this.credentials = credentials;
        this.owner = owner;
        this.subscriptions = subscriptions;
        this.persistent = new RemotePersistentSubscriptions(connection,
                channel -> ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers())));
    }

    /** A client for a connection string ({@link ConnectionString}); connects on first use. */
    public static CairnClient connect(String connectionString) {
        return create(ConnectionString.parse(connectionString));
    }

    /** A client with these settings; connects on first use. */
    public static CairnClient create(ClientSettings settings) {
        return new CairnClient(new Connection(settings), settings.defaultCredentials(), true,
                ConcurrentHashMap.newKeySet());
    }

    /**
     * The same client acting as another user: its calls carry {@code user}'s credentials (HTTP
     * basic authentication). It shares this client's connection; closing it stops only its own
     * subscriptions.
     */
    public CairnClient withCredentials(UserCredentials user) {
        return new CairnClient(connection, Objects.requireNonNull(user, "credentials"), false,
                ConcurrentHashMap.newKeySet());
    }

    /** The settings this client was created with. */
    public ClientSettings settings() {
        return connection.settings();
    }

    // ---- stubs ----

    /** The headers of every call: credentials, and whether only the leader may answer. */
    private Metadata headers() {
        Metadata headers = new Metadata();
        if (credentials != null) {
            headers.put(AUTHORIZATION, credentials.basicAuthHeader());
        }
        if (connection.settings().nodePreference() == NodePreference.LEADER) {
            headers.put(REQUIRES_LEADER, "true");
        }
        return headers;
    }

    private <S extends AbstractStub<S>> S withHeaders(S stub) {
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers()));
    }

    private <S extends AbstractStub<S>> S unary(S stub) {
        return withHeaders(stub).withDeadlineAfter(connection.settings().callDeadline().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private Function<Node, ResponseStream<ReadResp>> readCall(ReadReq request) {
        return node -> ResponseStream.start(ClientInterceptors.intercept(node.channel(),
                MetadataUtils.newAttachHeadersInterceptor(headers())), StreamsGrpc.getReadMethod(), request);
    }

    // ---- appends ----

    @Override
    public CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events) {
        try {
            requireWritable(stream);
            Objects.requireNonNull(expected, "expected state");
            Objects.requireNonNull(events, "events");
            List<EventData> copy = List.copyOf(events);
            return connection.execute(node -> Appends.append(stubs, node, stream, expected, copy))
                    .handle((result, failure) -> {
                        if (failure == null) {
                            return result;
                        }
                        RuntimeException e = Errors.toCairn(failure);
                        // v1 trailers do not name the stream of an event over the size limit
                        if (e instanceof MaximumAppendEventSizeExceededException m && m.stream() == null) {
                            throw new MaximumAppendEventSizeExceededException(stream, m.eventId(), m.size(),
                                    m.maxEventSize());
                        }
                        throw e;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAsync(List<AppendRequest> requests) {
        try {
            List<AppendRequest> copy = List.copyOf(Objects.requireNonNull(requests, "requests"));
            return connection.execute(node -> Appends.appendSession(stubs, node, copy));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendRecordsAsync(List<AppendRecord> records,
            List<ConsistencyCheck> checks) {
        try {
            List<AppendRecord> recordList = List.copyOf(Objects.requireNonNull(records, "records"));
            List<ConsistencyCheck> checkList = checks == null ? List.of() : List.copyOf(checks);
            return connection.execute(node -> Appends.appendRecords(stubs, node, recordList, checkList));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void requireWritable(StreamName stream) {
        Objects.requireNonNull(stream, "stream");
        if (stream.isAll()) {
            throw new InvalidArgumentException("$all is the global log: it cannot be written to");
        }
    }

    // ---- deletes ----

    @Override
    public CompletableFuture<DeleteResult> deleteAsync(StreamName stream, StreamState expected) {
        try {
            requireWritable(stream);
            DeleteReq.Options.Builder o = DeleteReq.Options.newBuilder().setStreamIdentifier(Proto.streamIdentifier(stream));
            switch (Objects.requireNonNull(expected, "expected state")) {
                case StreamState.Any a -> o.setAny(Proto.EMPTY);
                case StreamState.NoStream n -> o.setNoStream(Proto.EMPTY);
                case StreamState.StreamExists s -> o.setStreamExists(Proto.EMPTY);
                case StreamState.AtRevision r -> o.setRevision(r.revision());
                case StreamState.Deleted d -> d.requireWritable(); // throws: only a check expects it
                case StreamState.Tombstoned t -> t.requireWritable(); // throws: only a check expects it
            }
            DeleteReq request = DeleteReq.newBuilder().setOptions(o).build();
            return connection.execute(node -> {
                Appends.SingleResponse<DeleteResp> response = new Appends.SingleResponse<>();
                unary(StreamsGrpc.newStub(node.channel())).delete(request, response);
                return response.future.thenApply(r -> new DeleteResult(r.hasPosition()
                        ? Position.of(r.getPosition().getCommitPosition(), r.getPosition().getPreparePosition())
                        : Position.START));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<DeleteResult> tombstoneAsync(StreamName stream, StreamState expected) {
        try {
            requireWritable(stream);
            TombstoneReq.Options.Builder o = TombstoneReq.Options.newBuilder()
                    .setStreamIdentifier(Proto.streamIdentifier(stream));
            switch (Objects.requireNonNull(expected, "expected state")) {
                case StreamState.Any a -> o.setAny(Proto.EMPTY);
                case StreamState.NoStream n -> o.setNoStream(Proto.EMPTY);
                case StreamState.StreamExists s -> o.setStreamExists(Proto.EMPTY);
                case StreamState.AtRevision r -> o.setRevision(r.revision());
                case StreamState.Deleted d -> d.requireWritable(); // throws: only a check expects it
                case StreamState.Tombstoned t -> t.requireWritable(); // throws: only a check expects it
            }
            TombstoneReq request = TombstoneReq.newBuilder().setOptions(o).build();
            return connection.execute(node -> {
                Appends.SingleResponse<TombstoneResp> response = new Appends.SingleResponse<>();
                unary(StreamsGrpc.newStub(node.channel())).tombstone(request, response);
                return response.future.thenApply(r -> new DeleteResult(r.hasPosition()
                        ? Position.of(r.getPosition().getCommitPosition(), r.getPosition().getPreparePosition())
                        : Position.START));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---- reads ----

    @Override
    public EventIterator readStream(StreamName stream, ReadStreamOptions options) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(options, "options");
        if (stream.isAll()) {
            throw new InvalidArgumentException("$all is not a stream: read it with readAll");
        }
        ReadReq request = ReadReq.newBuilder().setOptions(ReadReq.Options.newBuilder()
                .setStream(Proto.streamOptions(stream, options.from()))
                .setReadDirection(direction(options.direction()))
                .setResolveLinks(options.resolveLinks())
                .setCount(options.maxCount())
                .setNoFilter(Proto.EMPTY)
                .setUuidOption(Proto.structuredIds())).build();
        return connection.executeBlocking(node -> ReadIterator.open(readCall(request).apply(node), stream));
    }

    @Override
    public EventIterator readAll(ReadAllOptions options) {
        Objects.requireNonNull(options, "options");
        ReadReq.Options.Builder o = ReadReq.Options.newBuilder()
                .setAll(Proto.allOptions(options.from()))
                .setReadDirection(direction(options.direction()))
                .setResolveLinks(options.resolveLinks())
                .setCount(options.maxCount())
                .setUuidOption(Proto.structuredIds());
        if (options.filter() != null) {
            o.setFilter(Proto.filter(options.filter(), SubscribeToAllOptions.DEFAULT_CHECKPOINT_INTERVAL));
        } else {
            o.setNoFilter(Proto.EMPTY);
        }
        ReadReq request = ReadReq.newBuilder().setOptions(o).build();
        return connection.executeBlocking(node -> ReadIterator.open(readCall(request).apply(node), null));
    }

    private static ReadReq.Options.ReadDirection direction(ReadDirection d) {
        return d == ReadDirection.FORWARDS ? ReadReq.Options.ReadDirection.Forwards
                : ReadReq.Options.ReadDirection.Backwards;
    }

    /** The position of the last event in {@code $all}, or {@link Position#START} when there is none. */
    @Override
    public Position headPosition() {
        try (EventIterator last = readAll(ReadAllOptions.backwards().maxCount(1))) {
            return last.hasNext() ? last.next().position() : Position.START;
        }
    }

    // ---- metadata ----

    @Override
    public CompletableFuture<StreamMetadataResult> getStreamMetadataAsync(StreamName stream) {
        return CompletableFuture.supplyAsync(() -> {
            requireWritable(stream);
            StreamName metastream = metadataStream(stream);
            try (EventIterator last = readStream(metastream, ReadStreamOptions.backwards().maxCount(1))) {
                if (last.hasNext()) {
                    RecordedEvent e = last.next().event();
                    if (e != null && e.type().equals(EventType.METADATA)) {
                        return new StreamMetadataResult(stream, MetadataJson.parse(e.data()), e.revision());
                    }
                }
                return new StreamMetadataResult(stream, StreamMetadata.EMPTY, -1);
            } catch (StreamNotFoundException e) {
                return new StreamMetadataResult(stream, StreamMetadata.EMPTY, -1);
            }
        }, Runnable::run);
    }

    @Override
    public CompletableFuture<AppendResult> setStreamMetadataAsync(StreamName stream, StreamState expected,
            StreamMetadata metadata) {
        try {
            requireWritable(stream);
            StreamName metastream = metadataStream(stream);
            Objects.requireNonNull(metadata, "metadata");
            EventData event = new EventData(UUID.randomUUID(), EventType.METADATA, ContentType.JSON,
                    MetadataJson.write(metadata), null);
            // errors name the metadata stream, as the embedded store and KurrentDB name it
            return appendAsync(metastream, Objects.requireNonNull(expected, "expected state"), List.of(event));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static StreamName metadataStream(StreamName stream) {
        if (stream.isMetadata()) {
            throw new InvalidArgumentException("a metadata stream has no metadata of its own: " + stream);
        }
        return stream.metadataStream();
    }

    // ---- subscriptions ----

    @Override
    public Subscription subscribeToStream(StreamName stream, SubscribeToStreamOptions options,
            SubscriptionListener listener) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        StreamRevision after = options.after();
        if (after != null && after.isEnd()) {
            after = lastRevision(stream);
        }
        RemoteSubscription s = RemoteSubscription.toStream(connection, this::readCall, stream, options, after, listener,
                subscriptions::remove);
        return track(s);
    }

    @Override
    public Subscription subscribeToAll(SubscribeToAllOptions options, SubscriptionListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        SubscribeToAllOptions concrete = options;
        if (options.after() != null && options.after().isEnd()) {
            Position head = headPosition();
            concrete = new SubscribeToAllOptions(head.equals(Position.START) ? null : head, options.resolveLinks(),
                    options.filter(), options.checkpointInterval());
        }
        RemoteSubscription s = RemoteSubscription.toAll(connection, this::readCall, concrete, listener,
                subscriptions::remove);
        return track(s);
    }

    private Subscription track(RemoteSubscription s) {
        subscriptions.add(s);
        if (connection.isClosed()) {
            s.end(new StoreUnavailableException("the client is closed"));
        }
        return s;
    }

    /**
     * "From the end" made concrete, so that a subscription that reconnects resumes where it was
     * instead of skipping what was appended meanwhile: the stream's last revision now, or null
     * (from the start) when it has no events.
     */
    private StreamRevision lastRevision(StreamName stream) {
        try (EventIterator last = readStream(stream, ReadStreamOptions.backwards().maxCount(1))) {
            if (last.hasNext()) {
                ResolvedEvent e = last.next();
                return StreamRevision.of(e.originalEvent().revision());
            }
            return null;
        } catch (StreamNotFoundException e) {
            return null;
        } catch (StreamDeletedException e) {
            return StreamRevision.END; // the node ends the subscription with stream-deleted
        }
    }

    /**
     * Persistent subscriptions over KurrentDB's {@code PersistentSubscriptions} service. A consumer
     * whose node goes away ends with {@link StoreUnavailableException} (the group hands its events
     * to the others); join again to continue.
     */
    @Override
    public dev.cairn.api.PersistentSubscriptions persistentSubscriptions() {
        return persistent;
    }

    /**
     * Closes the client: running subscriptions end with {@link StoreUnavailableException}, the
     * channel shuts down. A client made with {@link #withCredentials} only ends its own
     * subscriptions.
     */
    @Override
    public void close() {
        for (RemoteSubscription s : List.copyOf(subscriptions)) {
            s.end(new StoreUnavailableException("the client is closed"));
        }
        persistent.endAll(new StoreUnavailableException("the client is closed"));
        if (owner) {
            connection.close();
        }
    }
}
