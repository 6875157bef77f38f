package dev.cairn.engine.persistent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's checkpoints in {@code $persistentsubscription-<stream>::<group>-checkpoint}, in
 * KurrentDB's format: events of type {@code $SubscriptionCheckpoint} whose data is the position as
 * a JSON string ({@code "5"} for a stream, {@code "C:123/P:123"} for {@code $all}). The last event
 * is the checkpoint. Thread-safe (stateless over the store).
 */
final class CheckpointStream {

    static final EventType TYPE = EventType.of("$SubscriptionCheckpoint");
    /** The type older EventStore versions wrote, still read. */
    private static final String LEGACY_TYPE = "SubscriptionCheckpoint";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventStore store;
    private final SystemAppender appender;
    private final StreamName stream;
    private final GroupSource source;

    CheckpointStream(EventStore store, SystemAppender appender, GroupKey key, GroupSource source) {
        this.store = store;
        this.appender = appender;
        this.stream = key.checkpointStream();
        this.source = source;
    }

    /** The last checkpoint, or null when none was written (or it cannot be read, which is logged). */
    SourcePosition load() {
        try (EventIterator it = store.readStream(stream, ReadStreamOptions.backwards().maxCount(1))) {
            if (!it.hasNext()) {
                return null;
            }
            RecordedEvent e = it.next().originalEvent();
            String type = e.type().value();
            if (!type.equals(TYPE.value()) && !type.equals(LEGACY_TYPE)) {
                return null;
            }
            return source.parse(JSON.readValue(e.data(), String.class));
        } catch (StreamNotFoundException e) {
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("persistent subscription checkpoint in {} cannot be read; starting without it", stream, e);
            return null;
        }
    }

    /** Appends {@code position} as the new checkpoint. */
    CompletableFuture<AppendResult> write(SourcePosition position) {
        byte[] data;
        try {
            data = JSON.writeValueAsString(position.toString()).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        EventData event = new EventData(UUID.randomUUID(), TYPE, ContentType.JSON, data, null);
        return appender.append(stream, StreamState.any(), List.of(event));
    }
}
