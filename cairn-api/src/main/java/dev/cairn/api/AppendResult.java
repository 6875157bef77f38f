package dev.cairn.api;

/**
 * The outcome of a successful append to one stream.
 *
 * @param stream the stream appended to
 * @param nextExpectedRevision the revision of the last event in the stream after the append
 * @param position the position of the last event appended
 */
public record AppendResult(StreamName stream, long nextExpectedRevision, Position position) {
}
