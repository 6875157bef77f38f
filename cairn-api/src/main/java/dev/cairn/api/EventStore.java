package dev.cairn.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An event store: append events to streams with optimistic concurrency, read them back by stream
 * or from the global log, delete streams, and keep stream metadata. The embedded store
 * ({@code Cairn.open}) and the gRPC client implement it alike.
 *
 * <p>Every method is thread-safe. Asynchronous methods complete exceptionally with a
 * {@link CairnException}; their blocking twins throw it. An append completes only once its events
 * are durable.
 */
public interface EventStore extends AutoCloseable {

    /** Appends events to one stream, all or nothing, if the stream is in the expected state. */
    CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events);

    /**
     * As {@link #appendAsync(StreamName, StreamState, List)}, with the returned future completed on
     * {@code completeOn}, so that what is chained to it without an executor of its own runs there.
     * For callers that would hop to one thread anyway (a server answering on the connection's
     * event loop): the embedded store then hands the completion straight to that thread rather
     * than through a completion thread of its own, so {@code completeOn.execute} must not block
     * (an event loop's or an unbounded queue's does not): the store's sync thread calls it. If
     * {@code completeOn} refuses the task, the future is completed on the thread that completes
     * the append. An append refused before it is queued (access denied, say) may come back already
     * failed, and then what is chained to it runs on the chaining thread, as with any completed
     * future.
     */
    default CompletableFuture<AppendResult> appendAsync(StreamName stream, StreamState expected, List<EventData> events,
            Executor completeOn) {
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        appendAsync(stream, expected, events).whenComplete((value, failure) -> {
            Runnable complete = () -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            };
            try {
                completeOn.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run();
            }
        });
        return result;
    }

    /**
     * Appends to several streams atomically (KurrentDB 25.1 multi-stream append): every
     * stream's expected state must hold, or nothing is written.
     */
    CompletableFuture<MultiAppendResult> appendAsync(List<AppendRequest> requests);

    /**
     * Appends records to any streams in any order (KurrentDB 26.1 AppendRecords), atomically, if
     * every consistency check holds ({@link ConsistencyCheck} has KurrentDB's rules). Checks may
     * name streams that are not written. When checks fail, {@link ConsistencyCheckException}
     * reports every failing one with its actual state, and each tombstoned stream written without
     * a check as a failing check of "any", numbered after the checks.
     */
    CompletableFuture<MultiAppendResult> appendRecordsAsync(List<AppendRecord> records, List<ConsistencyCheck> checks);

    /**
     * Reads a stream. Throws {@link StreamNotFoundException} when it has no events to read and
     * {@link StreamDeletedException} when it was tombstoned.
     */
    EventIterator readStream(StreamName stream, ReadStreamOptions options);

    /** Reads the global log. */
    EventIterator readAll(ReadAllOptions options);

    /**
     * Soft-deletes a stream: its events are hidden and it can be written again, continuing its
     * revisions.
     */
    CompletableFuture<DeleteResult> deleteAsync(StreamName stream, StreamState expected);

    /** Tombstones a stream: it can never be read or written again. */
    CompletableFuture<DeleteResult> tombstoneAsync(StreamName stream, StreamState expected);

    /** Reads a stream's metadata; {@link StreamMetadata#EMPTY} with revision -1 when none was set. */
    CompletableFuture<StreamMetadataResult> getStreamMetadataAsync(StreamName stream);

    /** Sets a stream's metadata, if its metadata stream is in the expected state. */
    CompletableFuture<AppendResult> setStreamMetadataAsync(StreamName stream, StreamState expectedMetastreamState,
            StreamMetadata metadata);

    /**
     * Subscribes to one stream: its events after {@code options.after()}, then live ones as they
     * become durable, delivered to {@code listener} on the subscription's own thread. The stream
     * need not exist yet. Ends with {@link StreamDeletedException} if the stream is tombstoned.
     */
    Subscription subscribeToStream(StreamName stream, SubscribeToStreamOptions options, SubscriptionListener listener);

    /** Subscribes to the global log {@code $all}, optionally filtered; see {@link #subscribeToStream}. */
    Subscription subscribeToAll(SubscribeToAllOptions options, SubscriptionListener listener);

    /** The store's persistent subscriptions (competing consumers). */
    PersistentSubscriptions persistentSubscriptions();

    /** The position after the last durable event ({@link Position#START} when empty). */
    Position headPosition();

    /** Releases the store; appends still queued complete first. */
    @Override
    void close();

    // ---- blocking twins ----

    default AppendResult append(StreamName stream, StreamState expected, List<EventData> events) {
        return await(appendAsync(stream, expected, events));
    }

    default AppendResult append(String stream, StreamState expected, EventData... events) {
        return append(StreamName.of(stream), expected, List.of(events));
    }

    default MultiAppendResult append(List<AppendRequest> requests) {
        return await(appendAsync(requests));
    }

    default MultiAppendResult appendRecords(List<AppendRecord> records, List<ConsistencyCheck> checks) {
        return await(appendRecordsAsync(records, checks));
    }

    default List<ResolvedEvent> readStreamToList(StreamName stream, ReadStreamOptions options) {
        return readStream(stream, options).toList();
    }

    default List<ResolvedEvent> readAllToList(ReadAllOptions options) {
        return readAll(options).toList();
    }

    default DeleteResult delete(StreamName stream, StreamState expected) {
        return await(deleteAsync(stream, expected));
    }

    default DeleteResult tombstone(StreamName stream, StreamState expected) {
        return await(tombstoneAsync(stream, expected));
    }

    default StreamMetadataResult getStreamMetadata(StreamName stream) {
        return await(getStreamMetadataAsync(stream));
    }

    default AppendResult setStreamMetadata(StreamName stream, StreamState expected, StreamMetadata metadata) {
        return await(setStreamMetadataAsync(stream, expected, metadata));
    }

    /** Waits for a future and rethrows its {@link CairnException} as it is. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CairnException ce) {
                throw ce;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new CairnException(ErrorCode.STORAGE_FAILURE, String.valueOf(cause), cause);
        }
    }
}
