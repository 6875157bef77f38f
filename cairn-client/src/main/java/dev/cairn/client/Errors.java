package dev.cairn.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.CairnException;
import dev.cairn.api.ConsistencyCheckException;
import dev.cairn.api.CorruptedStoreException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.NotAuthenticatedException;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.StoreUnavailableException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.UserConflictException;
import dev.cairn.api.UserNotFoundException;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.protocol.v2.rpc.NotLeaderNodeErrorDetails;
import dev.cairn.protocol.v2.streams.errors.AppendConsistencyViolationErrorDetails;
import dev.cairn.protocol.v2.streams.errors.AppendRecordSizeExceededErrorDetails;
import dev.cairn.protocol.v2.streams.errors.AppendTransactionSizeExceededErrorDetails;
import dev.cairn.protocol.v2.streams.errors.ConsistencyViolation;
import dev.cairn.protocol.v2.streams.errors.StreamDeletedErrorDetails;
import dev.cairn.protocol.v2.streams.errors.StreamNotFoundErrorDetails;
import dev.cairn.protocol.v2.streams.errors.StreamRevisionConflictErrorDetails;
import dev.cairn.protocol.v2.streams.errors.StreamTombstonedErrorDetails;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps what a node answers back to the exceptions the embedded store throws: the inverse of the
 * server's {@code GrpcErrors} (v1: status plus KurrentDB's trailers {@code exception},
 * {@code stream-name}, {@code expected-version}, {@code actual-version},
 * {@code maximum-append-size}; v2: a {@code google.rpc.Status} with an {@code ErrorInfo} and the
 * error's details). This is the one place where that mapping lives. Stateless.
 */
final class Errors {

    static final Metadata.Key<String> EXCEPTION = key("exception");
    static final Metadata.Key<String> STREAM_NAME = key("stream-name");
    static final Metadata.Key<String> EXPECTED_VERSION = key("expected-version");
    static final Metadata.Key<String> ACTUAL_VERSION = key("actual-version");
    static final Metadata.Key<String> MAXIMUM_APPEND_SIZE = key("maximum-append-size");
    static final Metadata.Key<String> MAXIMUM_EVENT_SIZE = key("maximum-append-event-size");
    static final Metadata.Key<String> EVENT_ID = key("event-id");
    static final Metadata.Key<String> PROPOSED_EVENT_SIZE = key("proposed-append-event-size");
    static final Metadata.Key<String> GROUP_NAME = key("group-name");
    static final Metadata.Key<String> REASON = key("reason");
    static final Metadata.Key<String> LOGIN_NAME = key("login-name");
    static final Metadata.Key<String> LEADER_HOST = key("leader-endpoint-host");
    static final Metadata.Key<String> LEADER_PORT = key("leader-endpoint-port");

    private Errors() {
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /** The call went to a node that is not the leader; the leader is at {@code leader}. */
    static final class NotLeader extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Endpoint leader;

        NotLeader(Endpoint leader) {
            super("not the leader; the leader is " + leader, null, false, false);
            this.leader = leader;
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The leader a not-leader answer names, or null if {@code failure} is not one. */
    static Endpoint notLeader(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof NotLeader nl) {
            return nl.leader;
        }
        if (!(t instanceof StatusRuntimeException e)) {
            return null;
        }
        Metadata trailers = e.getTrailers();
        if (trailers != null && trailers.get(LEADER_HOST) != null && trailers.get(LEADER_PORT) != null) {
            try {
                return new Endpoint(trailers.get(LEADER_HOST), Integer.parseInt(trailers.get(LEADER_PORT)));
            } catch (RuntimeException malformed) {
                return null;
            }
        }
        for (Any detail : details(e)) {
            if (detail.is(NotLeaderNodeErrorDetails.class)) {
                NotLeaderNodeErrorDetails d = unpack(detail, NotLeaderNodeErrorDetails.class);
                if (d != null && d.hasCurrentLeader()) {
                    return new Endpoint(d.getCurrentLeader().getHost(), d.getCurrentLeader().getPort());
                }
            }
        }
        return null;
    }

    /**
     * Whether the failure means the node could not be reached or went away (worth reconnecting):
     * UNAVAILABLE, or a stream the transport reset (a node stopping resets the calls it has not
     * ended itself; grpc-java reports that as INTERNAL or CANCELLED with the HTTP/2 error), never an
     * error the node answered with KurrentDB's trailers.
     */
    static boolean isConnectionFailure(Throwable failure) {
        if (!(unwrap(failure) instanceof StatusRuntimeException e)) {
            return false;
        }
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAVAILABLE) {
            return true;
        }
        String description = e.getStatus().getDescription();
        boolean reset = description != null && (description.startsWith("RST_STREAM")
                || description.contains("HTTP/2 error code"));
        boolean answered = e.getTrailers() != null && e.getTrailers().get(EXCEPTION) != null;
        return reset && !answered && (code == Status.Code.INTERNAL || code == Status.Code.CANCELLED
                || code == Status.Code.UNKNOWN);
    }

    /** The Cairn exception for any failure of a call. */
    static RuntimeException toCairn(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof CairnException ce) {
            return ce;
        }
        if (t instanceof StatusRuntimeException e) {
            return fromStatus(e);
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        return new CairnException(ErrorCode.STORAGE_FAILURE, String.valueOf(t), t);
    }

    static CairnException fromStatus(StatusRuntimeException e) {
        CairnException v2 = fromRichStatus(e);
        if (v2 != null) {
            return v2;
        }
        Metadata trailers = e.getTrailers() != null ? e.getTrailers() : new Metadata();
        String exception = trailers.get(EXCEPTION);
        String description = description(e);
        if (exception != null) {
            StreamName stream = streamName(trailers.get(STREAM_NAME));
            switch (exception) {
                case "wrong-expected-version" -> {
                    if (stream != null) {
                        return new WrongExpectedVersionException(stream, expected(trailers.get(EXPECTED_VERSION)),
                                actual(trailers.get(ACTUAL_VERSION)));
                    }
                }
                case "stream-deleted" -> {
                    if (stream != null) {
                        return new StreamDeletedException(stream);
                    }
                }
                case "stream-not-found" -> {
                    if (stream != null) {
                        return new StreamNotFoundException(stream);
                    }
                }
                case "maximum-append-event-size-exceeded" -> {
                    String eventId = trailers.get(EVENT_ID);
                    if (eventId != null) {
                        // the trailers do not name the stream: the append adds it (see CairnClient)
                        return new MaximumAppendEventSizeExceededException(null, java.util.UUID.fromString(eventId),
                                parseLong(trailers.get(PROPOSED_EVENT_SIZE), -1),
                                parseLong(trailers.get(MAXIMUM_EVENT_SIZE), -1));
                    }
                    return new MaximumAppendSizeExceededException(parseLong(trailers.get(MAXIMUM_EVENT_SIZE), -1),
                            description);
                }
                case "persistent-subscription-exists", "persistent-subscription-does-not-exist",
                        "maximum-subscribers-reached", "persistent-subscription-dropped",
                        "persistent-subscription-failed" -> {
                    if (stream != null && trailers.get(GROUP_NAME) != null) {
                        return persistent(exception, stream, trailers.get(GROUP_NAME), trailers.get(REASON),
                                description);
                    }
                }
                case "maximum-append-size-exceeded" -> {
                    return new MaximumAppendSizeExceededException(parseLong(trailers.get(MAXIMUM_APPEND_SIZE), -1),
                            description);
                }
                case "access-denied" -> {
                    return new AccessDeniedException(description);
                }
                case "not-authenticated" -> {
                    return new NotAuthenticatedException();
                }
                case "user-not-found" -> {
                    if (trailers.get(LOGIN_NAME) != null) {
                        return new UserNotFoundException(trailers.get(LOGIN_NAME));
                    }
                }
                case "user-conflict" -> {
                    if (trailers.get(LOGIN_NAME) != null) {
                        return new UserConflictException(trailers.get(LOGIN_NAME), description);
                    }
                }
                case "missing-required-metadata-property", "invalid-transaction", "request-not-valid" -> {
                    return new InvalidArgumentException(description);
                }
                default -> {
                    // fall through to the status code
                }
            }
        }
        return switch (e.getStatus().getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> new InvalidArgumentException(description);
            case PERMISSION_DENIED -> new AccessDeniedException(description);
            case UNAUTHENTICATED -> new NotAuthenticatedException();
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED, ABORTED ->
                    new StoreUnavailableException(description, e);
            case UNIMPLEMENTED -> new StoreUnavailableException("the node does not serve this call: " + description, e);
            case DATA_LOSS -> new CorruptedStoreException(description);
            default -> new CairnException(ErrorCode.STORAGE_FAILURE, description, e);
        };
    }

    private static CairnException persistent(String exception, StreamName stream, String group, String reason,
            String description) {
        return switch (exception) {
            case "persistent-subscription-exists" -> PersistentSubscriptionException.exists(stream, group);
            case "persistent-subscription-does-not-exist" -> PersistentSubscriptionException.notFound(stream, group);
            case "maximum-subscribers-reached" -> PersistentSubscriptionException.maximumSubscribersReached(stream, group);
            case "persistent-subscription-dropped" -> PersistentSubscriptionException.dropped(stream, group);
            default -> PersistentSubscriptionException.failed(stream, group, reason != null ? reason : description);
        };
    }

    private static String description(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return d != null ? d : e.getStatus().getCode().toString();
    }

    /** v2 rich errors (AppendSession, AppendRecords), or null when the status carries none. */
    private static CairnException fromRichStatus(StatusRuntimeException e) {
        List<Any> details = details(e);
        if (details.isEmpty()) {
            return null;
        }
        String message = description(e);
        String reason = null;
        for (Any d : details) {
            if (d.is(ErrorInfo.class)) {
                ErrorInfo info = unpack(d, ErrorInfo.class);
                reason = info == null ? null : info.getReason();
            } else if (d.is(StreamRevisionConflictErrorDetails.class)) {
                StreamRevisionConflictErrorDetails c = unpack(d, StreamRevisionConflictErrorDetails.class);
                return new WrongExpectedVersionException(StreamName.of(c.getStream()), expected(c.getExpectedRevision()),
                        StreamState.actual(c.getActualRevision()));
            } else if (d.is(StreamTombstonedErrorDetails.class)) {
                return new StreamDeletedException(StreamName.of(unpack(d, StreamTombstonedErrorDetails.class).getStream()));
            } else if (d.is(StreamDeletedErrorDetails.class)) {
                return new StreamDeletedException(StreamName.of(unpack(d, StreamDeletedErrorDetails.class).getStream()));
            } else if (d.is(StreamNotFoundErrorDetails.class)) {
                return new StreamNotFoundException(StreamName.of(unpack(d, StreamNotFoundErrorDetails.class).getStream()));
            } else if (d.is(AppendRecordSizeExceededErrorDetails.class)) {
                AppendRecordSizeExceededErrorDetails r = unpack(d, AppendRecordSizeExceededErrorDetails.class);
                try {
                    return new MaximumAppendEventSizeExceededException(r.getStream().isEmpty() ? null
                            : StreamName.of(r.getStream()), java.util.UUID.fromString(r.getRecordId()), r.getSize(),
                            r.getMaxSize());
                } catch (IllegalArgumentException notAUuid) {
                    return new MaximumAppendSizeExceededException(r.getMaxSize(), message);
                }
            } else if (d.is(AppendTransactionSizeExceededErrorDetails.class)) {
                return new MaximumAppendSizeExceededException(
                        unpack(d, AppendTransactionSizeExceededErrorDetails.class).getMaxSize(), message);
            } else if (d.is(AppendConsistencyViolationErrorDetails.class)) {
                return consistency(unpack(d, AppendConsistencyViolationErrorDetails.class));
            }
        }
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "STREAM_ALREADY_IN_APPEND_SESSION", "APPEND_SESSION_NO_REQUESTS", "BAD_REQUEST" ->
                    new InvalidArgumentException(message);
            case "ACCESS_DENIED" -> new AccessDeniedException(message);
            default -> null;
        };
    }

    private static ConsistencyCheckException consistency(AppendConsistencyViolationErrorDetails details) {
        List<ConsistencyCheckException.Failure> failures = new ArrayList<>();
        for (ConsistencyViolation v : details.getViolationsList()) {
            ConsistencyViolation.StreamStateViolation s = v.getStreamState();
            StreamState actual = switch ((int) Math.max(s.getActualState(), -7)) {
                case -5 -> StreamState.deleted();
                case -6 -> StreamState.tombstoned();
                default -> StreamState.actual(s.getActualState());
            };
            failures.add(new ConsistencyCheckException.Failure(v.getCheckIndex(), StreamName.of(s.getStream()),
                    expected(s.getExpectedState()), actual));
        }
        return new ConsistencyCheckException(failures);
    }

    private static List<Any> details(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        return status == null ? List.of() : status.getDetailsList();
    }

    private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException malformed) {
            return null;
        }
    }

    private static StreamName streamName(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return StreamName.of(value);
        } catch (InvalidArgumentException e) {
            return null;
        }
    }

    /**
     * KurrentDB's raw expected version: -2 any, -1 no stream, -4 stream exists, -5 deleted and -6
     * tombstoned (v2 checks), else a revision.
     */
    static StreamState expected(long raw) {
        if (raw >= 0) {
            return StreamState.at(raw);
        }
        return switch ((int) Math.max(raw, -7)) {
            case -1 -> StreamState.noStream();
            case -4 -> StreamState.streamExists();
            case -5 -> StreamState.deleted();
            case -6 -> StreamState.tombstoned();
            default -> StreamState.any();
        };
    }

    private static StreamState expected(String raw) {
        return expected(parseLong(raw, -2));
    }

    private static StreamState actual(String raw) {
        return StreamState.actual(parseLong(raw, -1));
    }

    /** KurrentDB's raw expected version of a state, as it puts it on the wire. */
    static long raw(StreamState expected) {
        return switch (expected) {
            case StreamState.Any a -> -2;
            case StreamState.NoStream n -> -1;
            case StreamState.StreamExists s -> -4;
            case StreamState.AtRevision r -> r.revision();
            case StreamState.Deleted d -> -5;
            case StreamState.Tombstoned t -> -6;
        };
    }

    private static long parseLong(String value, long absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
