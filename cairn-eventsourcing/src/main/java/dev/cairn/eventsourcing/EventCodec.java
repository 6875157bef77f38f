package dev.cairn.eventsourcing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Turns domain events into the store's {@link EventData} and back, as JSON through Jackson: the
 * type is the registered name, the data the event's JSON, the metadata a JSON object with the
 * correlation and causation ids and the schema version. Decoding upcasts old versions first.
 *
 * <p>Thread-safe (Jackson's mapper is, once configured).
 */
public final class EventCodec {

    private final EventRegistry registry;
    private final ObjectMapper json;

    public EventCodec(EventRegistry registry) {
        this(registry, defaultMapper());
    }

    /** A codec with a mapper configured by the application (modules, naming, ...). */
    public EventCodec(EventRegistry registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    /**
     * The mapper the toolkit uses unless given another: records and {@code java.time} types,
     * dates as ISO-8601 text, and unknown properties ignored so that an older reader accepts
     * events written by a newer one.
     */
    public static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public EventRegistry registry() {
        return registry;
    }

    public ObjectMapper mapper() {
        return json;
    }

    /** An event to append, with a new id. */
    public EventData encode(Object event, EventMetadata metadata) {
        return encode(UUID.randomUUID(), event, metadata);
    }

    /** An event to append with the given id (a deterministic id makes a retried append idempotent). */
    public EventData encode(UUID id, Object event, EventMetadata metadata) {
        EventRegistry.Registration r = registry.forClass(event.getClass());
        EventMetadata stamped = new EventMetadata(metadata.correlationId(), metadata.causationId(), r.version(),
                metadata.extra());
        return new EventData(id, EventType.of(r.name()), ContentType.JSON, bytes(event), metadataJson(stamped));
    }

    /** Whether events stored with this type decode (the type, or its old name, is registered). */
    public boolean knows(String type) {
        return registry.forName(type) != null;
    }

    /** Decodes a read event; the event must be one this codec {@link #knows}. */
    public <E> StoredEvent<E> decode(ResolvedEvent resolved, Class<E> as) {
        RecordedEvent r = resolved.event();
        if (r == null) {
            throw new IllegalArgumentException("a dangling link has no event to decode: " + resolved.link());
        }
        EventMetadata metadata = parseMetadata(r.metadata());
        Object event = decodeData(r.type().value(), metadata.schemaVersion(), r.data());
        if (!as.isInstance(event)) {
            throw new UnknownEventTypeException("event " + r.type() + " decodes to " + event.getClass().getName()
                    + ", not a " + as.getName());
        }
        return new StoredEvent<>(as.cast(event), metadata, r.id(), r.type().value(), r.stream(), r.revision(),
                resolved.position(), r.created());
    }

    private Object decodeData(String storedType, int storedVersion, byte[] data) {
        EventRegistry.Registration r = registry.forName(storedType);
        if (r == null) {
            throw new UnknownEventTypeException("event type '" + storedType + "' is not registered");
        }
        try {
            JsonNode tree = json.readTree(data);
            if (!(tree instanceof ObjectNode node)) {
                throw new UnknownEventTypeException("event type '" + storedType + "' holds no JSON object");
            }
            String name = registry.currentName(storedType);
            for (int v = storedVersion; v < r.version(); v++) {
                Upcaster step = registry.upcaster(name, v);
                if (step == null) {
                    throw new UnknownEventTypeException("event type '" + name + "' is stored at version " + storedVersion
                            + " but has no upcaster from version " + v + " (now at " + r.version() + ")");
                }
                node = step.upcast(node);
            }
            return json.treeToValue(node, r.type());
        } catch (IOException e) {
            throw new UnknownEventTypeException("event type '" + storedType + "' cannot be read as "
                    + r.type().getName() + ": " + e.getMessage());
        }
    }

    /** JSON for any value (events, snapshots). */
    byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    <T> T read(byte[] data, Class<T> type) throws IOException {
        return json.readValue(data, type);
    }

    /** The metadata as the toolkit stores it: a JSON object. */
    public byte[] metadataJson(EventMetadata m) {
        ObjectNode root = json.createObjectNode();
        if (m.correlationId() != null) {
            root.put(EventMetadata.CORRELATION_ID, m.correlationId());
        }
        if (m.causationId() != null) {
            root.put(EventMetadata.CAUSATION_ID, m.causationId());
        }
        root.put(EventMetadata.SCHEMA_VERSION, m.schemaVersion());
        m.extra().forEach(root::put);
        return bytes(root);
    }

    /** Reads the metadata the toolkit writes; anything else (empty, not JSON) reads as none. */
    public EventMetadata parseMetadata(byte[] metadata) {
        if (metadata.length == 0) {
            return EventMetadata.NONE;
        }
        try {
            JsonNode root = json.readTree(metadata);
            if (root == null || !root.isObject()) {
                return EventMetadata.NONE;
            }
            String correlation = null;
            String causation = null;
            int version = 1;
            Map<String, String> extra = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : root.properties()) {
                switch (f.getKey()) {
                    case EventMetadata.CORRELATION_ID -> correlation = f.getValue().asText(null);
                    case EventMetadata.CAUSATION_ID -> causation = f.getValue().asText(null);
                    case EventMetadata.SCHEMA_VERSION -> version = Math.max(1, f.getValue().asInt(1));
                    default -> extra.put(f.getKey(), f.getValue().isTextual() ? f.getValue().textValue()
                            : f.getValue().toString());
                }
            }
            return new EventMetadata(correlation, causation, version, extra);
        } catch (IOException e) {
            return EventMetadata.NONE;
        }
    }
}
