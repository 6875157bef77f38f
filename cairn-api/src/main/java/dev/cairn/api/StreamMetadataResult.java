package dev.cairn.api;

/**
 * A stream's metadata and the revision of the metadata stream it was read from.
 *
 * @param stream the stream described
 * @param metadata the metadata; {@link StreamMetadata#EMPTY} when none was ever set
 * @param metastreamRevision the revision of the metadata event in {@code $$stream}, or -1 when none
 */
public record StreamMetadataResult(StreamName stream, StreamMetadata metadata, long metastreamRevision) {
}
