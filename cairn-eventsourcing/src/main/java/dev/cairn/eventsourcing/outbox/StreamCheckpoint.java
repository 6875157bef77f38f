package dev.cairn.eventsourcing.outbox;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A durable position kept in a stream of the store: each checkpoint is an event
 * {@code {"commit":c,"prepare":p}}, the last one counts. The stream keeps only a few
 * ({@code $maxCount}), set when it is created. Stateless.
 */
final class StreamCheckpoint {

    private static final Pattern JSON = Pattern.compile("\\{\"commit\":(\\d+),\"prepare\":(\\d+)}");
    static final long KEEP = 5;

    private StreamCheckpoint() {
    }

    /** The last checkpoint in {@code stream}, or null if there is none. */
    static Position read(EventStore store, StreamName stream) {
        try (EventIterator last = store.readStream(stream, ReadStreamOptions.backwards().maxCount(1))) {
            if (!last.hasNext()) {
                return null;
            }
            Matcher m = JSON.matcher(last.next().event().dataAsString());
            if (!m.matches()) {
                throw new IllegalStateException("checkpoint stream '" + stream + "' holds something else");
            }
            return Position.of(Long.parseUnsignedLong(m.group(1)), Long.parseUnsignedLong(m.group(2)));
        } catch (StreamNotFoundException e) {
            return null;
        }
    }

    static void write(EventStore store, StreamName stream, String type, Position p) {
        String json = "{\"commit\":" + Long.toUnsignedString(p.commit()) + ",\"prepare\":"
                + Long.toUnsignedString(p.prepare()) + "}";
        EventData event = new EventData(UUID.randomUUID(), EventType.of(type), ContentType.JSON,
                json.getBytes(StandardCharsets.UTF_8), null);
        if (store.append(stream, StreamState.any(), List.of(event)).nextExpectedRevision() == 0) {
            store.setStreamMetadata(stream, StreamState.any(), StreamMetadata.EMPTY.withMaxCount(KEEP));
        }
    }
}
