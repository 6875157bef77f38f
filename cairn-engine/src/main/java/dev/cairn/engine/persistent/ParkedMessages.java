package dev.cairn.engine.persistent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.StreamState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A group's parked-message stream, {@code $persistentsubscription-<stream>::<group>-parked}, in
 * KurrentDB's format: a link ({@code $>}, data {@code revision@stream} of the event) per parked
 * event, with JSON metadata {@code {"added", "reason", "subscriptionEventNumber"}}. Replayed
 * messages leave the stream by a truncate-before ({@code $tb}) in its metadata, so the stream's
 * readable events are exactly the parked ones. Thread-safe (stateless over the store).
 */
final class ParkedMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventStore store;
    private final StreamName stream;

    ParkedMessages(EventStore store, GroupKey key) {
        this.store = store;
        this.stream = key.parkedStream();
    }

    StreamName stream() {
        return stream;
    }

    /** Appends a link to {@code event}, saying why it was parked. */
    CompletableFuture<AppendResult> park(ResolvedEvent event, String reason, Instant now) {
        ObjectNode metadata = JSON.createObjectNode();
        metadata.put("added", now.toString());
        metadata.put("reason", reason);
        metadata.put("subscriptionEventNumber", event.originalEvent().revision());
        byte[] data;
        if (event.event() == null) {
            // a link whose target is gone: park what the link says, as KurrentDB does
            data = event.link().data();
        } else {
            data = (Long.toUnsignedString(event.event().revision()) + "@" + event.event().stream().value())
                    .getBytes(StandardCharsets.UTF_8);
        }
        try {
            EventData link = new EventData(UUID.randomUUID(), EventType.LINK, ContentType.BINARY, data,
                    JSON.writeValueAsBytes(metadata));
            return store.appendAsync(stream, StreamState.any(), List.of(link));
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Parked events not yet replayed: from the truncate-before to the last one. */
    long count() {
        long end = end();
        long first = truncateBefore();
        return Math.max(0, end - first);
    }

    /** The revision after the last parked event; 0 when none was ever parked. */
    long end() {
        try (EventIterator it = store.readStream(stream, ReadStreamOptions.backwards().maxCount(1))) {
            if (it.hasNext()) {
                return it.next().originalEvent().revision() + 1;
            }
        } catch (StreamNotFoundException e) {
            return 0;
        }
        // every parked event was replayed: nothing readable, so the count is 0 whatever the end
        return truncateBefore();
    }

    private long truncateBefore() {
        Long tb = store.getStreamMetadata(stream).metadata().truncateBefore();
        return tb == null ? 0 : tb;
    }

    /** Reads parked events from {@code revision}, links resolved, at most {@code count}. */
    List<ResolvedEvent> read(long revision, int count) {
        try {
            return store.readStreamToList(stream,
                    new ReadStreamOptions(ReadDirection.FORWARDS, StreamRevision.of(revision), count, true));
        } catch (StreamNotFoundException e) {
            return List.of();
        }
    }

    /** Hides parked events below {@code revision}: they were replayed and handled. */
    CompletableFuture<?> truncateBefore(long revision) {
        StreamMetadata current = store.getStreamMetadata(stream).metadata();
        Long tb = current.truncateBefore();
        if (tb != null && tb >= revision) {
            return CompletableFuture.completedFuture(null);
        }
        return store.setStreamMetadataAsync(stream, StreamState.any(), current.withTruncateBefore(revision));
    }

    /** The revision a parked link was read at (it is the resolved event's link). */
    static long revisionOf(ResolvedEvent parked) {
        RecordedEvent link = parked.link() != null ? parked.link() : parked.event();
        return link.revision();
    }
}
