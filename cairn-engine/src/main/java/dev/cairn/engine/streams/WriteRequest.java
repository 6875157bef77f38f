package dev.cairn.engine.streams;

import dev.cairn.api.AppendRecord;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A request to the writer. Each carries the time it was accepted and the ids of any event it makes
 * (so the writer's output depends only on its input) and the future the writer completes once the
 * outcome is durable.
 */
sealed interface WriteRequest {

    long createdMicros();

    CompletableFuture<Object> future();

    /** Appends to one or more streams, each with its expected state; {@code multi} for multi-stream appends. */
    record Append(List<AppendRequest> parts, boolean multi, long createdMicros, CompletableFuture<Object> future)
            implements WriteRequest {
    }

    /** Records in any order across streams, written if every check holds. */
    record Records(List<AppendRecord> records, List<ConsistencyCheck> checks, long createdMicros,
            CompletableFuture<Object> future) implements WriteRequest {
    }

    /** A soft delete, or a tombstone; {@code eventId} is the id of the event that marks it. */
    record Delete(StreamName stream, StreamState expected, boolean tombstone, UUID eventId, long createdMicros,
            CompletableFuture<Object> future) implements WriteRequest {
    }

    /** New metadata for a stream, checked against its metadata stream's expected state. */
    record SetMetadata(StreamName stream, StreamState expected, StreamMetadata metadata, UUID eventId,
            long createdMicros, CompletableFuture<Object> future) implements WriteRequest {
    }
}
