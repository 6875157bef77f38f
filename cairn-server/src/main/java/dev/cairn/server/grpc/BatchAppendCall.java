package dev.cairn.server.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.cairn.api.AppendResult;
import dev.cairn.api.CairnException;
import dev.cairn.api.EventData;
import dev.cairn.api.EventStore;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamState;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.protocol.rpc.Code;
import dev.cairn.protocol.rpc.Status;
import dev.cairn.protocol.shared.AccessDenied;
import dev.cairn.protocol.shared.AllStreamPosition;
import dev.cairn.protocol.shared.BadRequest;
import dev.cairn.protocol.shared.MaximumAppendEventSizeExceeded;
import dev.cairn.protocol.shared.MaximumAppendSizeExceeded;
import dev.cairn.protocol.shared.StreamDeleted;
import dev.cairn.protocol.shared.Timeout;
import dev.cairn.protocol.shared.UUID;
import dev.cairn.protocol.shared.WrongExpectedVersion;
import dev.cairn.protocol.streams.BatchAppendReq;
import dev.cairn.protocol.streams.BatchAppendResp;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One BatchAppend call (the Node and .NET clients' append): requests carry a correlation id; the
 * first request of a correlation id carries the options, later ones only more events, and the one
 * marked {@code is_final} makes the append. Each append's outcome comes back as a
 * {@link BatchAppendResp} with the same correlation id: success, or a {@code google.rpc.Status}
 * whose details are KurrentDB's error message (WrongExpectedVersion, StreamDeleted, ...).
 *
 * <p>Appends of different correlation ids run concurrently; responses are serialized on this
 * object. The call completes when the client has half-closed and every append has answered.
 * A batch whose deadline passes before it is durable answers Timeout (DEADLINE_EXCEEDED).
 */
final class BatchAppendCall implements StreamObserver<Object> {

    private final EventStore store;
    private final AppendLimits limits;
    private final StreamObserver<BatchAppendResp> responses;
    private final Executor respondOn = CallThreads.eventLoop();
    private final CallMetrics.BatchTimer timer = CallMetrics.batchTimer();
    private final Map<UUID, Batch> open = new HashMap<>();
    private int pending;
    private boolean halfClosed;
    private boolean finished;

    private static final class Batch {
        BatchAppendReq.Options options;
        StreamName stream;
        StreamState expected;
        final List<EventData> events = new ArrayList<>();
        long size;
    }

    BatchAppendCall(EventStore store, AppendLimits limits, StreamObserver<BatchAppendResp> responses) {
        this.store = store;
        this.limits = limits;
        this.responses = responses;
    }

    /** A request as {@link AppendReqDecoder#parseBatch} read it. */
    @Override
    public void onNext(Object message) {
        AppendReqDecoder.Batch decoded = (AppendReqDecoder.Batch) message;
        BatchAppendReq request = decoded.rest();
        Batch batch;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (!request.hasCorrelationId()) {
                fail(GrpcErrors.invalidArgument("batch append request needs a correlation id"));
                return;
            }
            UUID correlation = request.getCorrelationId();
            batch = open.get(correlation);
            try {
                if (batch == null) {
                    batch = new Batch();
                    if (!request.hasOptions()) {
                        throw GrpcErrors.invalidArgument("the first batch append request of a correlation id "
                                + "needs options");
                    }
                    BatchAppendReq.Options o = request.getOptions();
                    batch.options = o;
                    batch.stream = Wire.streamName(o.getStreamIdentifier());
                    batch.expected = Wire.expectedState(o.hasStreamPosition(), o.getStreamPosition(), o.hasNoStream(),
                            o.hasAny(), o.hasStreamExists());
                    open.put(correlation, batch);
                }
                for (int i = 0; i < decoded.events(); i++) {
                    EventData event = decoded.event(i);
                    // refused before the batch ends, so a huge batch is never buffered whole
                    batch.size = limits.add(batch.stream, event, batch.size);
                    batch.events.add(event);
                }
            } catch (RuntimeException e) {
                open.remove(correlation);
                respond(error(correlation, request.hasOptions() ? request.getOptions() : null, e));
                return;
            }
            if (!request.getIsFinal()) {
                return;
            }
            open.remove(correlation);
            pending++;
        }
        Batch toWrite = batch;
        UUID correlation = request.getCorrelationId();
        long started = System.nanoTime();
        try {
            long timeoutMillis = timeoutMillis(toWrite.options);
            CompletableFuture<AppendResult> append = store.appendAsync(toWrite.stream, toWrite.expected, toWrite.events);
            if (timeoutMillis >= 0) {
                // the client stops waiting then; as in KurrentDB, the append itself may still be written
                append = append.copy().orTimeout(Math.max(timeoutMillis, 1), TimeUnit.MILLISECONDS);
            }
            append.whenCompleteAsync((result, failure) -> {
                timer.batchAnswered(System.nanoTime() - started, failure == null
                        || unwrap(failure) instanceof WrongExpectedVersionException);
                answered(failure == null ? success(correlation, toWrite.options, result)
                        : error(correlation, toWrite.options, failure));
            }, respondOn);
        } catch (RuntimeException e) {
            answered(error(correlation, toWrite.options, e));
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        finished = true; // the client cancelled; appends already made stay made
    }

    @Override
    public synchronized void onCompleted() {
        halfClosed = true;
        completeIfDone();
    }

    private synchronized void answered(BatchAppendResp response) {
        pending--;
        respond(response);
        completeIfDone();
    }

    private void respond(BatchAppendResp response) {
        if (!finished) {
            responses.onNext(response);
        }
    }

    private void completeIfDone() {
        if (!finished && halfClosed && pending == 0) {
            finished = true;
            responses.onCompleted();
        }
    }

    private void fail(StatusRuntimeException e) {
        finished = true;
        responses.onError(e);
    }

    /**
     * Milliseconds left until the batch's deadline, or -1 when it has none. Saturates instead of
     * failing on out-of-range values from a client: a deadline too far away to represent is no
     * deadline, one too far in the past has already passed.
     */
    static long timeoutMillis(BatchAppendReq.Options options) {
        if (options.hasDeadline()) {
            com.google.protobuf.Duration d = options.getDeadline();
            if (d.getSeconds() < 0 || (d.getSeconds() == 0 && d.getNanos() <= 0)) {
                return 0;
            }
            if (d.getSeconds() >= Long.MAX_VALUE / 1000 - 1) {
                return -1;
            }
            return d.getSeconds() * 1000L + Math.max(0, d.getNanos()) / 1_000_000;
        }
        if (options.hasDeadline21100()) {
            com.google.protobuf.Timestamp t = options.getDeadline21100();
            long seconds = t.getSeconds();
            Instant clock = Instant.now();
            long now = clock.getEpochSecond();
            if (seconds <= now - 1) {
                return 0;
            }
            if (seconds - now >= Long.MAX_VALUE / 1000 - 1) {
                return -1;
            }
            long nanos = Math.floorMod(t.getNanos(), 1_000_000_000);
            long millis = (seconds - now) * 1000L + nanos / 1_000_000 - clock.getNano() / 1_000_000;
            return Math.max(0, millis);
        }
        return -1;
    }

    private static BatchAppendResp.Builder response(UUID correlation, BatchAppendReq.Options options) {
        BatchAppendResp.Builder b = BatchAppendResp.newBuilder().setCorrelationId(correlation);
        if (options != null) {
            b.setStreamIdentifier(options.getStreamIdentifier());
            switch (options.getExpectedStreamPositionCase()) {
                case STREAM_POSITION -> b.setStreamPosition(options.getStreamPosition());
                case NO_STREAM -> b.setNoStream(options.getNoStream());
                case ANY -> b.setAny(options.getAny());
                case STREAM_EXISTS -> b.setStreamExists(options.getStreamExists());
                case EXPECTEDSTREAMPOSITION_NOT_SET -> { }
            }
        }
        return b;
    }

    private static BatchAppendResp success(UUID correlation, BatchAppendReq.Options options, AppendResult result) {
        BatchAppendResp.Success.Builder s = BatchAppendResp.Success.newBuilder()
                .setCurrentRevision(result.nextExpectedRevision())
                .setPosition(AllStreamPosition.newBuilder()
                        .setCommitPosition(result.position().commit())
                        .setPreparePosition(result.position().prepare()));
        return response(correlation, options).setSuccess(s).build();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** KurrentDB's error for one batch: a google.rpc.Status with the error message as its detail. */
    private static BatchAppendResp error(UUID correlation, BatchAppendReq.Options options, Throwable failure) {
        Throwable t = unwrap(failure);
        Status status = switch (t) {
            case WrongExpectedVersionException wev -> status(Code.FAILED_PRECONDITION, wev.getMessage(),
                    wrongExpectedVersion(wev));
            case StreamDeletedException sd -> status(Code.FAILED_PRECONDITION, sd.getMessage(),
                    StreamDeleted.newBuilder().setStreamIdentifier(Wire.streamIdentifier(sd.stream())).build());
            case TimeoutException timeout -> status(Code.DEADLINE_EXCEEDED, "the batch's deadline passed",
                    Timeout.getDefaultInstance());
            case MaximumAppendEventSizeExceededException m -> status(Code.INVALID_ARGUMENT, m.getMessage(),
                    MaximumAppendEventSizeExceeded.newBuilder()
                            .setEventId(m.eventId().toString())
                            .setProposedEventSize((int) Math.min(m.size(), 0xFFFF_FFFFL))
                            .setMaxAppendEventSize((int) Math.min(m.maxEventSize(), 0xFFFF_FFFFL)).build());
            case MaximumAppendSizeExceededException m -> status(Code.INVALID_ARGUMENT, m.getMessage(),
                    MaximumAppendSizeExceeded.newBuilder()
                            .setMaxAppendSize((int) Math.min(m.maxAppendSize(), 0xFFFF_FFFFL)).build());
            case CairnException c when c.code() == dev.cairn.api.ErrorCode.ACCESS_DENIED ->
                    status(Code.PERMISSION_DENIED, c.getMessage(), AccessDenied.getDefaultInstance());
            default -> {
                StatusRuntimeException sre = GrpcErrors.toStatus(t);
                Code code = Code.forNumber(sre.getStatus().getCode().value());
                String message = String.valueOf(sre.getStatus().getDescription());
                yield code == Code.INVALID_ARGUMENT
                        ? status(code, message, BadRequest.newBuilder().setMessage(message).build())
                        : Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
            }
        };
        return response(correlation, options).setError(status).build();
    }

    private static Status status(Code code, String message, Message detail) {
        return Status.newBuilder().setCode(code.getNumber()).setMessage(message).addDetails(Any.pack(detail)).build();
    }

    private static WrongExpectedVersion wrongExpectedVersion(WrongExpectedVersionException e) {
        com.google.protobuf.Empty empty = com.google.protobuf.Empty.getDefaultInstance();
        WrongExpectedVersion.Builder w = WrongExpectedVersion.newBuilder();
        if (e.actual() instanceof StreamState.AtRevision r) {
            w.setCurrentStreamRevision(r.revision());
        } else {
            w.setCurrentNoStream(empty);
        }
        switch (e.expected()) {
            case StreamState.Any a -> w.setExpectedAny(empty);
            case StreamState.StreamExists s -> w.setExpectedStreamExists(empty);
            case StreamState.NoStream n -> w.setExpectedNoStream(empty);
            case StreamState.AtRevision r -> w.setExpectedStreamPosition(r.revision());
            case StreamState.Deleted d -> throw new IllegalStateException("only a v2 check expects " + d);
            case StreamState.Tombstoned t -> throw new IllegalStateException("only a v2 check expects " + t);
        }
        return w.build();
    }
}
