package dev.cairn.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventFilter;
import dev.cairn.api.EventType;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamRevision;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.ReadReq;
import dev.cairn.protocol.streams.ReadResp;
import dev.cairn.protocol.v2.streams.AppendRecord;
import dev.cairn.protocol.v2.streams.SchemaFormat;
import dev.cairn.protocol.v2.streams.SchemaInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts the API's values to the protocol's messages and back: the client's side of the server's
 * {@code Wire}. Stateless.
 */
final class Proto {

    static final Empty EMPTY = Empty.getDefaultInstance();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** KurrentDB's {@code created}: 100-nanosecond ticks since the Unix epoch. */
    private static final long TICKS_PER_SECOND = 10_000_000L;

    private Proto() {
    }

    static StreamIdentifier streamIdentifier(StreamName name) {
        return StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(name.value())).build();
    }

    static UUID uuid(java.util.UUID id) {
        return UUID.newBuilder().setStructured(UUID.Structured.newBuilder()
                .setMostSignificantBits(id.getMostSignificantBits())
                .setLeastSignificantBits(id.getLeastSignificantBits())).build();
    }

    static java.util.UUID uuid(UUID id) {
        return switch (id.getValueCase()) {
            case STRUCTURED -> new java.util.UUID(id.getStructured().getMostSignificantBits(),
                    id.getStructured().getLeastSignificantBits());
            case STRING -> java.util.UUID.fromString(id.getString());
            case VALUE_NOT_SET -> new java.util.UUID(0, 0);
        };
    }

    static AppendReq.ProposedMessage proposedMessage(EventData e) {
        return AppendReq.ProposedMessage.newBuilder()
                .setId(uuid(e.id()))
                .putMetadata("type", e.type().value())
                .putMetadata("content-type", e.contentType().mimeType())
                .setCustomMetadata(ByteString.copyFrom(e.metadata()))
                .setData(ByteString.copyFrom(e.data()))
                .build();
    }

    /**
     * An event as a v2 record. The v2 protocol carries metadata as properties (a map of JSON
     * values), not bytes, so metadata must be empty or a JSON object; the node stores it back as a
     * JSON object, with numbers as doubles.
     */
    static AppendRecord appendRecord(EventData e, StreamName stream) {
        AppendRecord.Builder b = AppendRecord.newBuilder()
                .setRecordId(e.id().toString())
                .setSchema(SchemaInfo.newBuilder().setName(e.type().value())
                        .setFormat(e.contentType() == ContentType.JSON ? SchemaFormat.SCHEMA_FORMAT_JSON
                                : SchemaFormat.SCHEMA_FORMAT_BYTES))
                .setData(ByteString.copyFrom(e.data()));
        if (stream != null) {
            b.setStream(stream.value());
        }
        if (e.metadata().length > 0) {
            b.putAllProperties(properties(e));
        }
        return b.build();
    }

    private static Map<String, Value> properties(EventData e) {
        JsonNode root;
        try {
            root = JSON.readTree(e.metadata());
        } catch (IOException notJson) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new InvalidArgumentException("event " + e.id() + ": a multi-stream append carries metadata as "
                    + "properties, so metadata must be empty or a JSON object");
        }
        Map<String, Value> properties = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            properties.put(field.getKey(), value(field.getValue()));
        }
        return properties;
    }

    private static Value value(JsonNode node) {
        Value.Builder v = Value.newBuilder();
        if (node.isNull() || node.isMissingNode()) {
            v.setNullValue(NullValue.NULL_VALUE);
        } else if (node.isBoolean()) {
            v.setBoolValue(node.booleanValue());
        } else if (node.isNumber()) {
            v.setNumberValue(node.doubleValue());
        } else if (node.isTextual()) {
            v.setStringValue(node.textValue());
        } else if (node.isArray()) {
            ListValue.Builder list = ListValue.newBuilder();
            node.forEach(n -> list.addValues(value(n)));
            v.setListValue(list);
        } else if (node.isObject()) {
            Struct.Builder struct = Struct.newBuilder();
            node.properties().forEach(f -> struct.putFields(f.getKey(), value(f.getValue())));
            v.setStructValue(struct);
        } else {
            try {
                v.setStringValue(JSON.writeValueAsString(node));
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return v.build();
    }

    static ResolvedEvent resolvedEvent(ReadResp.ReadEvent e) {
        RecordedEvent event = e.hasEvent() ? recordedEvent(e.getEvent()) : null;
        RecordedEvent link = e.hasLink() ? recordedEvent(e.getLink()) : null;
        return new ResolvedEvent(event, link);
    }

    static RecordedEvent recordedEvent(ReadResp.ReadEvent.RecordedEvent e) {
        Map<String, String> meta = e.getMetadataMap();
        return new RecordedEvent(
                StreamName.of(e.getStreamIdentifier().getStreamName().toStringUtf8()),
                e.getStreamRevision(),
                uuid(e.getId()),
                EventType.of(meta.getOrDefault("type", "")),
                ContentType.ofMimeType(meta.get("content-type")),
                e.getData().toByteArray(),
                e.getCustomMetadata().toByteArray(),
                created(meta.get("created")),
                Position.of(e.getCommitPosition(), e.getPreparePosition()));
    }

    private static Instant created(String ticks) {
        if (ticks == null || ticks.isEmpty()) {
            return Instant.EPOCH;
        }
        long t = Long.parseLong(ticks);
        return Instant.ofEpochSecond(Math.floorDiv(t, TICKS_PER_SECOND), Math.floorMod(t, TICKS_PER_SECOND) * 100);
    }

    static ReadReq.Options.StreamOptions streamOptions(StreamName stream, StreamRevision from) {
        ReadReq.Options.StreamOptions.Builder s = ReadReq.Options.StreamOptions.newBuilder()
                .setStreamIdentifier(streamIdentifier(stream));
        if (from == null) {
            s.setStart(EMPTY);
        } else if (from.isEnd()) {
            s.setEnd(EMPTY);
        } else {
            s.setRevision(from.value());
        }
        return s.build();
    }

    static ReadReq.Options.AllOptions allOptions(Position from) {
        ReadReq.Options.AllOptions.Builder a = ReadReq.Options.AllOptions.newBuilder();
        if (from == null) {
            a.setStart(EMPTY);
        } else if (from.isEnd()) {
            a.setEnd(EMPTY);
        } else {
            a.setPosition(ReadReq.Options.Position.newBuilder()
                    .setCommitPosition(from.commit()).setPreparePosition(from.prepare()));
        }
        return a.build();
    }

    /**
     * A filter as the official clients send it: with a checkpoint window of {@code checkpointInterval}
     * events looked at (multiplier 1), which the node turns back into the same interval.
     */
    static ReadReq.Options.FilterOptions filter(EventFilter filter, int checkpointInterval) {
        ReadReq.Options.FilterOptions.Expression.Builder e = ReadReq.Options.FilterOptions.Expression.newBuilder();
        if (filter.regex() != null) {
            e.setRegex(filter.regex());
        } else {
            e.addAllPrefix(filter.prefixes());
        }
        ReadReq.Options.FilterOptions.Builder f = ReadReq.Options.FilterOptions.newBuilder()
                .setMax(checkpointInterval)
                .setCheckpointIntervalMultiplier(1);
        if (filter.target() == EventFilter.Target.STREAM_NAME) {
            f.setStreamIdentifier(e);
        } else {
            f.setEventType(e);
        }
        return f.build();
    }

    static ReadReq.Options.UUIDOption structuredIds() {
        return ReadReq.Options.UUIDOption.newBuilder().setStructured(EMPTY).build();
    }
}
