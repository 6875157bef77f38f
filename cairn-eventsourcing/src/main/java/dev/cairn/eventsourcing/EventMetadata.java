package dev.cairn.eventsourcing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the toolkit stores beside an event, as the event's metadata (a JSON object): where the
 * event came from ({@code $correlationId}, {@code $causationId}, under the keys KurrentDB's
 * {@code $by_correlation_id} projection reads), the version of its shape, and any other keys the
 * application adds.
 *
 * @param correlationId the id shared by every message of one conversation (the first command's id)
 * @param causationId the id of the message (command or event) that caused this event
 * @param schemaVersion the version of the event's shape when it was written (1 when absent)
 * @param extra other keys, kept as given (values are strings)
 */
public record EventMetadata(String correlationId, String causationId, int schemaVersion, Map<String, String> extra) {

    public static final String CORRELATION_ID = "$correlationId";
    public static final String CAUSATION_ID = "$causationId";
    public static final String SCHEMA_VERSION = "schemaVersion";

    public static final EventMetadata NONE = new EventMetadata(null, null, 1, Map.of());

    public EventMetadata {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema version must be at least 1, was " + schemaVersion);
        }
        extra = Map.copyOf(Objects.requireNonNull(extra, "extra"));
    }

    /** This metadata with another key. */
    public EventMetadata with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(extra);
        copy.put(key, value);
        return new EventMetadata(correlationId, causationId, schemaVersion, copy);
    }
}
