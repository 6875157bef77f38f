package dev.cairn.engine.persistent;

import dev.cairn.api.AppendResult;
import dev.cairn.api.EventData;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Appends the engine's own bookkeeping events, whose types are reserved to the system (such as
 * {@code $SubscriptionCheckpoint}), and which the public append therefore refuses. Given to
 * {@link PersistentSubscriptionService} by the store that owns it.
 */
@FunctionalInterface
public interface SystemAppender {

    /** Appends like {@link dev.cairn.api.EventStore#appendAsync}, allowing reserved event types. */
    CompletableFuture<AppendResult> append(StreamName stream, StreamState expected, List<EventData> events);
}
