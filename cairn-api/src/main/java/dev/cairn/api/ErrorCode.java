package dev.cairn.api;

/**
 * Stable codes for every error the API raises. The server maps each to a gRPC status and
 * KurrentDB's trailers in one place; the names never change meaning.
 */
public enum ErrorCode {
    /** The stream's actual state did not match the expected state of an append or delete. */
    WRONG_EXPECTED_VERSION,
    /** The stream was tombstoned (hard deleted). */
    STREAM_DELETED,
    /** The stream has no events to read (never written, soft deleted, or all truncated). */
    STREAM_NOT_FOUND,
    /** An append exceeded the maximum append size, or an event the maximum event size. */
    MAXIMUM_APPEND_SIZE_EXCEEDED,
    /** The request itself was malformed: a name, type, count, filter or argument broke a rule. */
    INVALID_ARGUMENT,
    /** The caller may not do this. */
    ACCESS_DENIED,
    /** The store is closed, or stopped accepting writes after a storage failure (fail-stop). */
    UNAVAILABLE,
    /** The stored data is not what it must be (a checksum failed, a record is malformed). */
    CORRUPTED,
    /** A storage operation failed. */
    STORAGE_FAILURE,
    /** A persistent subscription group of that name already exists on that stream. */
    PERSISTENT_SUBSCRIPTION_EXISTS,
    /** No persistent subscription group of that name exists on that stream. */
    PERSISTENT_SUBSCRIPTION_NOT_FOUND,
    /** The persistent subscription group already has its maximum number of consumers. */
    MAXIMUM_SUBSCRIBERS_REACHED,
    /** The consumer was dropped because its group was updated, deleted or restarted. */
    PERSISTENT_SUBSCRIPTION_DROPPED,
    /** A persistent subscription operation could not be carried out; the message says why. */
    PERSISTENT_SUBSCRIPTION_FAILED,
    /** The caller's credentials are wrong, or name a disabled or unknown user. */
    NOT_AUTHENTICATED,
    /** No user has that login name. */
    USER_NOT_FOUND,
    /** A user with that login name exists already, or was changed concurrently. */
    USER_CONFLICT,
}
