package dev.cairn.engine.index;

/**
 * Where an event id was written.
 *
 * @param streamId the stream's id
 * @param revision the revision in that stream
 */
public record EventRef(long streamId, long revision) {
}
