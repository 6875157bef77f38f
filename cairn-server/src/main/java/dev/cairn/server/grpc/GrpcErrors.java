package dev.cairn.server.grpc;

import dev.cairn.api.CairnException;
import dev.cairn.api.MaximumAppendEventSizeExceededException;
import dev.cairn.api.MaximumAppendSizeExceededException;
import dev.cairn.api.PersistentSubscriptionException;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.api.StreamState;
import dev.cairn.api.UserConflictException;
import dev.cairn.api.UserNotFoundException;
import dev.cairn.api.WrongExpectedVersionException;
import dev.cairn.engine.projections.ProjectionManagementException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every error the engine raises to the gRPC status and the trailers KurrentDB sends, so the
 * official clients raise their usual exceptions. This is the one place where that mapping lives.
 *
 * <p>Trailer keys (KurrentDB's {@code RpcExceptions}): {@code exception} names the error;
 * {@code stream-name}, {@code expected-version}, {@code actual-version},
 * {@code maximum-append-size}, {@code maximum-append-event-size}, {@code event-id},
 * {@code proposed-append-event-size}, {@code group-name}, {@code reason}, {@code login-name} carry
 * its details. Thread-safe (stateless).
 */
public final class GrpcErrors {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    static final Metadata.Key<String> EXCEPTION = key("exception");
    static final Metadata.Key<String> STREAM_NAME = key("stream-name");
    static final Metadata.Key<String> EXPECTED_VERSION = key("expected-version");
    static final Metadata.Key<String> ACTUAL_VERSION = key("actual-version");
    static final Metadata.Key<String> MAXIMUM_APPEND_SIZE = key("maximum-append-size");
    static final Metadata.Key<String> MAXIMUM_APPEND_EVENT_SIZE = key("maximum-append-event-size");
    static final Metadata.Key<String> EVENT_ID = key("event-id");
    static final Metadata.Key<String> PROPOSED_APPEND_EVENT_SIZE = key("proposed-append-event-size");
    static final Metadata.Key<String> GROUP_NAME = key("group-name");
    static final Metadata.Key<String> REASON = key("reason");
    static final Metadata.Key<String> LOGIN_NAME = key("login-name");

    private GrpcErrors() {
    }

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /**
     * Answers a unary call with {@code call}'s response, or with the status of what it threw.
     *
     * @return true when the call answered with a response
     */
    static <T> boolean answer(StreamObserver<T> responses, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            responses.onError(toStatus(e));
            return false;
        }
        responses.onNext(response);
        responses.onCompleted();
        return true;
    }

    /** The status for any failure of a call; unwraps completion wrappers first. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof CairnException e) {
            return fromCairn(e);
        }
        if (t instanceof ProjectionManagementException e) {
            return fromProjections(e);
        }
        if (t instanceof IllegalArgumentException e) {
            return invalidArgument(e.getMessage());
        }
        LOG.error("unexpected failure in a gRPC call", t);
        return Status.INTERNAL.withDescription("internal error: " + t).asRuntimeException();
    }

    /** KurrentDB's statuses for projection-management requests that cannot be done. */
    private static StatusRuntimeException fromProjections(ProjectionManagementException e) {
        Status status = switch (e.reason()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
        return status.withDescription(describe(e.getMessage())).asRuntimeException();
    }

    /**
     * Longest error description sent, in characters. Descriptions quote stream names (up to 4 KiB
     * of UTF-8, tripled by the percent-encoding of grpc-message) and go in HTTP/2 trailers beside
     * the {@code stream-name} trailer; clients refuse trailers over 8 KiB (grpc-java's default) with
     * a protocol error that hides the real one, so long descriptions are shortened.
     */
    static final int MAX_DESCRIPTION = 512;

    /** {@code message}, shortened to {@link #MAX_DESCRIPTION} characters if longer. */
    static String describe(String message) {
        if (message == null || message.length() <= MAX_DESCRIPTION) {
            return message;
        }
        int cut = MAX_DESCRIPTION - 30;
        if (Character.isHighSurrogate(message.charAt(cut - 1))) {
            cut--;
        }
        return message.substring(0, cut) + "... (" + message.length() + " characters)";
    }

    /** INVALID_ARGUMENT with a message saying which rule the request broke. */
    public static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(describe(message)).asRuntimeException();
    }

    /** INVALID_ARGUMENT with KurrentDB's {@code missing-required-metadata-property} trailer. */
    public static StatusRuntimeException missingMetadata(String property) {
        Metadata trailers = new Metadata();
        trailers.put(EXCEPTION, "missing-required-metadata-property");
        trailers.put(key("required-properties"), property);
        return Status.INVALID_ARGUMENT.withDescription("Missing required metadata property: " + property)
                .asRuntimeException(trailers);
    }

    /** UNIMPLEMENTED for a part of the protocol Cairn does not serve yet. */
    public static StatusRuntimeException unimplemented(String what) {
        return Status.UNIMPLEMENTED.withDescription(what + " is not implemented by Cairn yet").asRuntimeException();
    }

    private static StatusRuntimeException fromCairn(CairnException e) {
        Metadata trailers = new Metadata();
        return switch (e.code()) {
            case WRONG_EXPECTED_VERSION -> {
                trailers.put(EXCEPTION, "wrong-expected-version");
                if (e instanceof WrongExpectedVersionException wev) {
                    trailers.put(STREAM_NAME, wev.stream().value());
                    trailers.put(EXPECTED_VERSION, Long.toString(rawExpected(wev.expected())));
                    trailers.put(ACTUAL_VERSION, Long.toString(rawActual(wev.actual())));
                }
                yield Status.FAILED_PRECONDITION.withDescription(describe(e.getMessage())).asRuntimeException(trailers);
            }
            case STREAM_DELETED -> {
                trailers.put(EXCEPTION, "stream-deleted");
                if (e instanceof StreamDeletedException sd) {
                    trailers.put(STREAM_NAME, sd.stream().value());
                }
                yield Status.FAILED_PRECONDITION.withDescription(describe(e.getMessage())).asRuntimeException(trailers);
            }
            case STREAM_NOT_FOUND -> {
                trailers.put(EXCEPTION, "stream-not-found");
                if (e instanceof StreamNotFoundException nf) {
                    trailers.put(STREAM_NAME, nf.stream().value());
                }
                yield Status.NOT_FOUND.withDescription(describe(e.getMessage())).asRuntimeException(trailers);
            }
            case MAXIMUM_APPEND_SIZE_EXCEEDED -> {
                if (e instanceof MaximumAppendEventSizeExceededException m) {
                    trailers.put(EXCEPTION, "maximum-append-event-size-exceeded");
                    trailers.put(MAXIMUM_APPEND_EVENT_SIZE, Long.toString(m.maxEventSize()));
                    trailers.put(EVENT_ID, m.eventId().toString());
                    trailers.put(PROPOSED_APPEND_EVENT_SIZE, Long.toString(m.size()));
                } else {
                    trailers.put(EXCEPTION, "maximum-append-size-exceeded");
                    if (e instanceof MaximumAppendSizeExceededException m) {
                        trailers.put(MAXIMUM_APPEND_SIZE, Long.toString(m.maxAppendSize()));
                    }
                }
                yield Status.INVALID_ARGUMENT.withDescription(describe(e.getMessage())).asRuntimeException(trailers);
            }
            case INVALID_ARGUMENT -> invalidArgument(e.getMessage());
            case ACCESS_DENIED -> {
                trailers.put(EXCEPTION, "access-denied");
                yield Status.PERMISSION_DENIED.withDescription(describe(e.getMessage())).asRuntimeException(trailers);
            }
            case NOT_AUTHENTICATED -> Status.UNAUTHENTICATED.withDescription(e.getMessage()).asRuntimeException();
            case USER_NOT_FOUND -> {
                trailers.put(EXCEPTION, "user-not-found");
                if (e instanceof UserNotFoundException nf) {
                    trailers.put(LOGIN_NAME, nf.login());
                }
                yield Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException(trailers);
            }
            case USER_CONFLICT -> {
                trailers.put(EXCEPTION, "user-conflict");
                if (e instanceof UserConflictException c) {
                    trailers.put(LOGIN_NAME, c.login());
                }
                yield Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException(trailers);
            }
            case UNAVAILABLE -> Status.UNAVAILABLE.withDescription(describe(e.getMessage())).asRuntimeException();
            case CORRUPTED -> {
                LOG.error("corrupted store while serving a call", e);
                yield Status.DATA_LOSS.withDescription(describe(e.getMessage())).asRuntimeException();
            }
            case STORAGE_FAILURE -> {
                LOG.error("storage failure while serving a call", e);
                yield Status.INTERNAL.withDescription(describe(e.getMessage())).asRuntimeException();
            }
            case PERSISTENT_SUBSCRIPTION_EXISTS ->
                    persistent(Status.ALREADY_EXISTS, "persistent-subscription-exists", e, trailers);
            case PERSISTENT_SUBSCRIPTION_NOT_FOUND ->
                    persistent(Status.NOT_FOUND, "persistent-subscription-does-not-exist", e, trailers);
            case MAXIMUM_SUBSCRIBERS_REACHED ->
                    persistent(Status.FAILED_PRECONDITION, "maximum-subscribers-reached", e, trailers);
            case PERSISTENT_SUBSCRIPTION_DROPPED ->
                    persistent(Status.CANCELLED, "persistent-subscription-dropped", e, trailers);
            case PERSISTENT_SUBSCRIPTION_FAILED -> {
                if (e instanceof PersistentSubscriptionException p) {
                    trailers.put(REASON, p.reason());
                }
                yield persistent(Status.INTERNAL, "persistent-subscription-failed", e, trailers);
            }
        };
    }

    /** KurrentDB's persistent subscription errors: the status, the exception name, the group. */
    private static StatusRuntimeException persistent(Status status, String exception, CairnException e,
            Metadata trailers) {
        trailers.put(EXCEPTION, exception);
        if (e instanceof PersistentSubscriptionException p) {
            trailers.put(STREAM_NAME, p.source().value());
            trailers.put(GROUP_NAME, p.group());
        }
        return status.withDescription(e.getMessage()).asRuntimeException(trailers);
    }

    /** KurrentDB's raw expected version: -2 any, -1 no stream, -4 stream exists, else the revision. */
    static long rawExpected(StreamState expected) {
        return switch (expected) {
            case StreamState.Any a -> -2;
            case StreamState.NoStream n -> -1;
            case StreamState.StreamExists s -> -4;
            case StreamState.AtRevision r -> r.revision();
            case StreamState.Deleted d -> -5;
            case StreamState.Tombstoned t -> -6;
        };
    }

    /**
     * KurrentDB's raw current version: the last revision, -1 when there is no stream, and in a v2
     * consistency violation -5 for a soft-deleted and -6 for a tombstoned stream.
     */
    static long rawActual(StreamState actual) {
        return switch (actual) {
            case StreamState.AtRevision r -> r.revision();
            case StreamState.Deleted d -> -5;
            case StreamState.Tombstoned t -> -6;
            case StreamState.Any a -> -1;
            case StreamState.NoStream n -> -1;
            case StreamState.StreamExists s -> -1;
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
