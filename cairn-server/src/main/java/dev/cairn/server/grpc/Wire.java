package dev.cairn.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.protocol.shared.Empty;
import dev.cairn.protocol.shared.StreamIdentifier;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.streams.AppendReq;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.ReadResp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Converts between the protocol's messages and the API's values. Malformed input raises
 * {@link io.grpc.StatusRuntimeException} INVALID_ARGUMENT. Stateless.
 */
final class Wire {

    static final Empty EMPTY = Empty.getDefaultInstance();

    /** 100-nanosecond ticks, KurrentDB's unit for the {@code created} timestamp. */
    private static final long NANOS_PER_TICK = 100;

    private Wire() {
    }

    static StreamName streamName(StreamIdentifier id) {
        if (id == null) {
            throw GrpcErrors.invalidArgument("stream identifier is required");
        }
        return StreamName.of(id.getStreamName().toStringUtf8());
    }

    static StreamIdentifier streamIdentifier(StreamName name) {
        return StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(name.value())).build();
    }

    static java.util.UUID uuid(UUID id) {
        return switch (id.getValueCase()) {
            case STRUCTURED -> new java.util.UUID(id.getStructured().getMostSignificantBits(),
                    id.getStructured().getLeastSignificantBits());
            case STRING -> parseUuid(id.getString());
            case VALUE_NOT_SET -> throw GrpcErrors.invalidArgument("event id is required");
        };
    }

    private static java.util.UUID parseUuid(String id) {
        try {
            return java.util.UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw GrpcErrors.invalidArgument("event id is not a UUID: '" + id + "'");
        }
    }

    static UUID uuid(java.util.UUID id, boolean structured) {
        if (structured) {
            return UUID.newBuilder().setStructured(UUID.Structured.newBuilder()
                    .setMostSignificantBits(id.getMostSignificantBits())
                    .setLeastSignificantBits(id.getLeastSignificantBits())).build();
        }
        return UUID.newBuilder().setString(id.toString()).build();
    }

    /** One proposed message of an append; requires the {@code type} and {@code content-type} keys. */
    static EventData eventData(AppendReq.ProposedMessage message) {
        return eventData(message.hasId() ? message.getId() : null, message.getMetadataMap(),
                message.getCustomMetadata(), message.getData());
    }

    /** One proposed message of a batch append; the same rules as {@link #eventData(AppendReq.ProposedMessage)}. */
    static EventData eventData(BatchAppendReq.ProposedMessage message) {
        return eventData(message.hasId() ? message.getId() : null, message.getMetadataMap(),
                message.getCustomMetadata(), message.getData());
    }

    /**
     * One proposed message of an append as {@link AppendReqDecoder} read it from the wire; the same
     * rules, checked in the same order, as {@link #eventData(AppendReq.ProposedMessage)}.
     */
    static EventData eventData(AppendReqDecoder.Proposed message) {
        requireTypes(message.type(), message.contentType());
        if (!message.hasId()) {
            throw GrpcErrors.invalidArgument("event id is required");
        }
        java.util.UUID id;
        if (message.idBits()) {
            id = new java.util.UUID(message.mostSignificant(), message.leastSignificant());
        } else if (message.idString() != null) {
            id = parseUuid(message.idString());
        } else {
            throw GrpcErrors.invalidArgument("event id is required");
        }
        return eventData(id, message.type(), message.contentType(), message.data(), message.customMetadata());
    }

    private static EventData eventData(UUID wireId, Map<String, String> metadata, ByteString customMetadata,
            ByteString data) {
        String type = metadata.get("type");
        String contentType = metadata.get("content-type");
        requireTypes(type, contentType);
        if (wireId == null) {
            throw GrpcErrors.invalidArgument("event id is required");
        }
        return eventData(uuid(wireId), type, contentType, data.toByteArray(), customMetadata.toByteArray());
    }

    private static void requireTypes(String type, String contentType) {
        if (type == null) {
            throw GrpcErrors.missingMetadata("type");
        }
        if (contentType == null) {
            throw GrpcErrors.missingMetadata("content-type");
        }
    }

    private static EventData eventData(java.util.UUID id, String type, String contentType, byte[] data,
            byte[] customMetadata) {
        if (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0) {
            throw GrpcErrors.invalidArgument("event id must not be the nil UUID");
        }
        return new EventData(id, EventType.of(type), ContentType.ofMimeType(contentType), data, customMetadata);
    }

    /** The expected state of an append, delete or tombstone, from its oneof case. */
    static StreamState expectedState(boolean hasRevision, long revision, boolean noStream, boolean any,
            boolean streamExists) {
        if (hasRevision) {
            if (revision < 0) {
                throw GrpcErrors.invalidArgument("expected revision must be at most 2^63-1, was "
                        + Long.toUnsignedString(revision));
            }
            return StreamState.at(revision);
        }
        if (noStream) {
            return StreamState.noStream();
        }
        if (any) {
            return StreamState.any();
        }
        if (streamExists) {
            return StreamState.streamExists();
        }
        throw GrpcErrors.invalidArgument("expected stream revision is required");
    }

    /**
     * An event as a read answers it, built as a message. Reads and subscriptions send it encoded by
     * {@link ReadEventEncoder} instead, which gives the same bytes at a fraction of the cost.
     */
    static ReadResp.ReadEvent readEvent(ResolvedEvent resolved, boolean structuredIds) {
        ReadResp.ReadEvent.Builder b = ReadResp.ReadEvent.newBuilder();
        if (resolved.event() != null) {
            b.setEvent(recordedEvent(resolved.event(), structuredIds));
        }
        if (resolved.link() != null) {
            b.setLink(recordedEvent(resolved.link(), structuredIds));
        }
        b.setCommitPosition(resolved.position().commit());
        return b.build();
    }

    static ReadResp.ReadEvent.RecordedEvent recordedEvent(RecordedEvent e, boolean structuredIds) {
        return ReadResp.ReadEvent.RecordedEvent.newBuilder()
                .setId(uuid(e.id(), structuredIds))
                .setStreamIdentifier(streamIdentifier(e.stream()))
                .setStreamRevision(e.revision())
                .setPreparePosition(e.position().prepare())
                .setCommitPosition(e.position().commit())
                .putMetadata("type", e.type().value())
                .putMetadata("content-type", e.contentType().mimeType())
                .putMetadata("created", Long.toString(ticksSinceEpoch(e.created())))
                // a RecordedEvent's arrays are never modified (its contract): no copy needed
                .setCustomMetadata(wrap(e.metadata()))
                .setData(wrap(e.data()))
                .build();
    }

    private static ByteString wrap(byte[] bytes) {
        return bytes.length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(bytes);
    }

    /** KurrentDB's {@code created}: 100 ns ticks since the Unix epoch. */
    static long ticksSinceEpoch(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L / NANOS_PER_TICK),
                t.getNano() / NANOS_PER_TICK);
    }

    static String utf8(ByteString bytes) {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
}
