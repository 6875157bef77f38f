package dev.cairn.server.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.ConsistencyCheck;
import dev.cairn.api.ConsistencyCheckException;
import dev.cairn.api.AppendResult;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.EventType;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.protocol.v2.streams.AppendRecord;
import dev.cairn.protocol.v2.streams.AppendRecordsRequest;
import dev.cairn.protocol.v2.streams.AppendRecordsResponse;
import dev.cairn.protocol.v2.streams.AppendResponse;
import dev.cairn.protocol.v2.streams.AppendSessionResponse;
import dev.cairn.protocol.v2.streams.SchemaFormat;
import dev.cairn.protocol.v2.streams.StreamsServiceGrpc;
import dev.cairn.protocol.v2.streams.errors.AppendConsistencyViolationErrorDetails;
import dev.cairn.protocol.v2.streams.errors.AppendRecordSizeExceededErrorDetails;
import dev.cairn.protocol.v2.streams.errors.ConsistencyViolation;
import dev.cairn.protocol.v2.streams.errors.StreamAlreadyInAppendSessionErrorDetails;
import dev.cairn.protocol.v2.streams.errors.StreamRevisionConflictErrorDetails;
import dev.cairn.protocol.v2.streams.errors.StreamTombstonedErrorDetails;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * {@code kurrentdb.protocol.v2.streams.StreamsService}, KurrentDB's v2 append: AppendSession, an
 * atomic append to several streams. Errors are v2 rich errors: a {@code google.rpc.Status} in
 * {@code grpc-status-details-bin} whose details are an {@code ErrorInfo} (reason, domain
 * "streams") and the error's detail message. AppendRecords: records for any streams in any
 * order, written atomically if every consistency check holds; failing checks are all reported.
 * Thread-safe: each call keeps its own state. Both run on the connection's event loop: they hand
 * the append to the store and answer from the event loop ({@link CallThreads}).
 */
public final class V2StreamsService extends StreamsServiceGrpc.StreamsServiceImplBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventStore store;

    public V2StreamsService(EventStore store) {
        this.store = store;
    }

    @Override
    public StreamObserver<dev.cairn.protocol.v2.streams.AppendRequest> appendSession(
            StreamObserver<AppendSessionResponse> responses) {
        return new StreamObserver<>() {
            private final List<AppendRequest> requests = new ArrayList<>();
            private final Set<String> streams = new HashSet<>();
            private final Executor respondOn = CallThreads.eventLoop();
            private boolean failed;

            @Override
            public void onNext(dev.cairn.protocol.v2.streams.AppendRequest request) {
                if (failed) {
                    return;
                }
                try {
                    StreamName stream = StreamName.of(request.getStream());
                    if (!streams.add(stream.value().toLowerCase(Locale.ROOT))) {
                        throw error(io.grpc.Status.Code.ABORTED, "STREAM_ALREADY_IN_APPEND_SESSION",
                                "stream '" + stream + "' is already in this append session",
                                StreamAlreadyInAppendSessionErrorDetails.newBuilder().setStream(stream.value()).build());
                    }
                    List<EventData> events = new ArrayList<>(request.getRecordsCount());
                    for (AppendRecord record : request.getRecordsList()) {
                        events.add(eventData(record));
                    }
                    requests.add(new AppendRequest(stream, expected(request), events));
                } catch (RuntimeException e) {
                    failed = true;
                    responses.onError(toStatus(e));
                }
            }

            @Override
            public void onError(Throwable t) {
                failed = true; // the client cancelled; nothing was written
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                if (requests.isEmpty()) {
                    responses.onError(error(io.grpc.Status.Code.FAILED_PRECONDITION, "APPEND_SESSION_NO_REQUESTS",
                            "an append session needs at least one request", null));
                    return;
                }
                try {
                    store.appendAsync(requests).whenCompleteAsync((result, failure) -> {
                        if (failure != null) {
                            responses.onError(toStatus(failure));
                        } else {
                            responses.onNext(response(result));
                            responses.onCompleted();
                        }
                    }, respondOn);
                } catch (RuntimeException e) {
                    responses.onError(toStatus(e));
                }
            }
        };
    }

    @Override
    public void appendRecords(AppendRecordsRequest request, StreamObserver<AppendRecordsResponse> responses) {
        try {
            if (request.getRecordsCount() == 0) {
                throw GrpcErrors.invalidArgument("AppendRecords needs at least one record");
            }
            List<dev.cairn.api.AppendRecord> records = new ArrayList<>(request.getRecordsCount());
            for (AppendRecord record : request.getRecordsList()) {
                if (!record.hasStream()) {
                    throw GrpcErrors.invalidArgument("every record of AppendRecords needs a stream");
                }
                records.add(new dev.cairn.api.AppendRecord(StreamName.of(record.getStream()), eventData(record)));
            }
            List<ConsistencyCheck> checks = new ArrayList<>(request.getChecksCount());
            Set<String> checked = new HashSet<>();
            for (dev.cairn.protocol.v2.streams.ConsistencyCheck check : request.getChecksList()) {
                // an expected state left out is 0, revision 0, as KurrentDB reads it: clients built
                // without field presence (the Node client) leave out a check for revision 0
                if (!check.hasStreamState() || !check.getStreamState().hasStream()) {
                    throw GrpcErrors.invalidArgument("a consistency check needs a stream");
                }
                StreamName stream = StreamName.of(check.getStreamState().getStream());
                if (!checked.add(stream.value())) {
                    throw GrpcErrors.invalidArgument("stream '" + stream + "' is checked more than once");
                }
                checks.add(new ConsistencyCheck(stream, checkedState(check.getStreamState().getExpectedState())));
            }
            store.appendRecordsAsync(records, checks).whenCompleteAsync((result, failure) -> {
                if (failure != null) {
                    responses.onError(toStatus(failure));
                } else {
                    AppendRecordsResponse.Builder b = AppendRecordsResponse.newBuilder()
                            .setPosition(result.position().commit());
                    for (AppendResult r : result.results()) {
                        b.addRevisions(dev.cairn.protocol.v2.streams.StreamRevision.newBuilder()
                                .setStream(r.stream().value()).setRevision(r.nextExpectedRevision()));
                    }
                    responses.onNext(b.build());
                    responses.onCompleted();
                }
            }, CallThreads.eventLoop());
        } catch (RuntimeException e) {
            responses.onError(toStatus(e));
        }
    }

    private static StreamState checkedState(long raw) {
        if (raw >= 0) {
            return StreamState.at(raw);
        }
        return switch ((int) Math.max(raw, Integer.MIN_VALUE)) { // a huge negative must not wrap to a constant
            case -1 -> StreamState.noStream();
            case -4 -> StreamState.streamExists();
            case -5 -> StreamState.deleted();
            case -6 -> StreamState.tombstoned();
            default -> throw GrpcErrors.invalidArgument("expected state of a consistency check must be a revision, "
                    + "-1 (no stream), -4 (exists), -5 (deleted) or -6 (tombstoned), was " + raw);
        };
    }

    private static StatusRuntimeException consistencyViolation(ConsistencyCheckException e) {
        AppendConsistencyViolationErrorDetails.Builder details = AppendConsistencyViolationErrorDetails.newBuilder();
        for (ConsistencyCheckException.Failure f : e.failures()) {
            details.addViolations(ConsistencyViolation.newBuilder()
                    .setCheckIndex(f.index())
                    .setStreamState(ConsistencyViolation.StreamStateViolation.newBuilder()
                            .setStream(f.stream().value())
                            .setExpectedState(GrpcErrors.rawExpected(f.expected()))
                            .setActualState(GrpcErrors.rawActual(f.actual()))));
        }
        return error(io.grpc.Status.Code.FAILED_PRECONDITION, "APPEND_CONSISTENCY_VIOLATION", e.getMessage(),
                details.build());
    }

    private static AppendSessionResponse response(MultiAppendResult result) {
        AppendSessionResponse.Builder b = AppendSessionResponse.newBuilder().setPosition(result.position().commit());
        for (AppendResult r : result.results()) {
            // each stream's own last position, so clients can tell where each stream's events landed
            b.addOutput(AppendResponse.newBuilder().setStream(r.stream().value())
                    .setStreamRevision(r.nextExpectedRevision()).setPosition(r.position().commit()));
        }
        return b.build();
    }

    private static StreamState expected(dev.cairn.protocol.v2.streams.AppendRequest request) {
        if (!request.hasExpectedRevision()) {
            return StreamState.any();
        }
        long raw = request.getExpectedRevision();
        if (raw >= 0) {
            return StreamState.at(raw);
        }
        return switch ((int) Math.max(raw, Integer.MIN_VALUE)) { // a huge negative must not wrap to a constant
            case -1 -> StreamState.noStream();
            case -2 -> StreamState.any();
            case -4 -> StreamState.streamExists();
            default -> throw GrpcErrors.invalidArgument("expected revision must be a revision, -1 (no stream), "
                    + "-2 (any) or -4 (exists), was " + raw);
        };
    }

    /**
     * A v2 record as an event: the schema name is the event type, JSON schemas give JSON content,
     * the properties are kept as the event's metadata (a JSON object) so v1 reads see them.
     */
    static EventData eventData(AppendRecord record) {
        UUID id;
        if (record.hasRecordId()) {
            try {
                id = UUID.fromString(record.getRecordId());
            } catch (IllegalArgumentException e) {
                throw GrpcErrors.invalidArgument("record id is not a UUID: '" + record.getRecordId() + "'");
            }
            if (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0) {
                throw GrpcErrors.invalidArgument("record id must not be the nil UUID");
            }
        } else {
            id = UUID.randomUUID();
        }
        String type = record.getSchema().getName();
        if (type.isEmpty()) {
            throw GrpcErrors.invalidArgument("record schema name is required");
        }
        ContentType contentType = record.getSchema().getFormat() == SchemaFormat.SCHEMA_FORMAT_JSON
                ? ContentType.JSON : ContentType.BINARY;
        byte[] metadata = record.getPropertiesCount() == 0 ? new byte[0] : propertiesJson(record.getPropertiesMap());
        return new EventData(id, EventType.of(type), contentType, record.getData().toByteArray(), metadata);
    }

    private static byte[] propertiesJson(Map<String, Value> properties) {
        Map<String, Object> plain = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            if (key.isEmpty()) {
                throw GrpcErrors.invalidArgument("property keys must not be empty");
            }
            plain.put(key, plain(value));
        });
        try {
            return JSON.writeValueAsBytes(plain);
        } catch (JsonProcessingException e) {
            throw GrpcErrors.invalidArgument("properties cannot be written as JSON: " + e.getMessage());
        }
    }

    private static Object plain(Value value) {
        return switch (value.getKindCase()) {
            case NULL_VALUE -> null;
            case NUMBER_VALUE -> value.getNumberValue();
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            case STRUCT_VALUE -> {
                Map<String, Object> m = new LinkedHashMap<>();
                value.getStructValue().getFieldsMap().forEach((k, v) -> m.put(k, plain(v)));
                yield m;
            }
            case LIST_VALUE -> value.getListValue().getValuesList().stream().map(V2StreamsService::plain).toList();
            case KIND_NOT_SET -> throw GrpcErrors.invalidArgument("property values must have a kind set");
        };
    }

    /** v2 rich errors for what the engine raises; anything else as v1 maps it. */
    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return switch (t) {
            case StatusRuntimeException sre -> sre;
            case ConsistencyCheckException cc -> consistencyViolation(cc);
            case WrongExpectedVersionException wev -> error(io.grpc.Status.Code.FAILED_PRECONDITION,
                    "STREAM_REVISION_CONFLICT", wev.getMessage(), StreamRevisionConflictErrorDetails.newBuilder()
                            .setStream(wev.stream().value())
                            .setExpectedRevision(GrpcErrors.rawExpected(wev.expected()))
                            .setActualRevision(GrpcErrors.rawActual(wev.actual())).build());
            // KurrentDB reports any deleted stream on the v2 append as tombstoned
            case StreamDeletedException sd -> error(io.grpc.Status.Code.FAILED_PRECONDITION, "STREAM_TOMBSTONED",
                    sd.getMessage(), StreamTombstonedErrorDetails.newBuilder().setStream(sd.stream().value()).build());
            case MaximumAppendSizeExceededException m -> sizeExceeded(m);
            default -> GrpcErrors.toStatus(t);
        };
    }

    private static StatusRuntimeException sizeExceeded(MaximumAppendSizeExceededException m) {
        if (m instanceof MaximumAppendEventSizeExceededException event) {
            return error(io.grpc.Status.Code.INVALID_ARGUMENT, "APPEND_RECORD_SIZE_EXCEEDED", m.getMessage(),
                    AppendRecordSizeExceededErrorDetails.newBuilder()
                            .setStream(event.stream().value())
                            .setRecordId(event.eventId().toString())
                            .setSize(clamp(event.size()))
                            .setMaxSize(clamp(event.maxEventSize())).build());
        }
        return error(io.grpc.Status.Code.ABORTED, "APPEND_TRANSACTION_SIZE_EXCEEDED", m.getMessage(),
                dev.cairn.protocol.v2.streams.errors.AppendTransactionSizeExceededErrorDetails.newBuilder()
                        .setMaxSize(clamp(m.maxAppendSize())).build());
    }

    private static int clamp(long value) {
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    private static StatusRuntimeException error(io.grpc.Status.Code code, String reason, String message,
            Message details) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(GrpcErrors.describe(message))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain("streams").build()));
        if (details != null) {
            status.addDetails(Any.pack(details));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

}
