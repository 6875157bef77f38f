package dev.cairn.api;

import java.nio.charset.StandardCharsets;

/**
 * The name of a stream.
 *
 * <p>Names starting with {@code $} are system streams. A name {@code $$x} is the metadata stream
 * of {@code x} (so {@code $$$settings} is the metadata stream of {@code $settings}). {@code $all}
 * names the global log, not a stream; it can be read but not appended to.
 *
 * @param value the name, non-empty, at most {@link #MAX_BYTES} bytes of UTF-8
 */
public record StreamName(String value) implements Comparable<StreamName> {

    /** Longest accepted name, in UTF-8 bytes. */
    public static final int MAX_BYTES = 4096;

    /** The global log's name as clients spell it. */
    public static final String ALL = "$all";

    private static final String METADATA_PREFIX = "$$";

    public StreamName {
        if (value == null) {
            throw new InvalidArgumentException("stream name must not be null");
        }
        if (value.isEmpty()) {
            throw new InvalidArgumentException("stream name must not be empty");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidArgumentException(
                    "stream name must be at most " + MAX_BYTES + " bytes of UTF-8");
        }
        if (value.equals(METADATA_PREFIX)) {
            throw new InvalidArgumentException("stream name '$$' names no stream's metadata");
        }
    }

    public static StreamName of(String value) {
        return new StreamName(value);
    }

    /** True for names starting with {@code $}: system streams, including metadata streams. */
    public boolean isSystem() {
        return value.startsWith("$");
    }

    /** True when this is the metadata stream {@code $$x} of some stream {@code x}. */
    public boolean isMetadata() {
        return value.startsWith(METADATA_PREFIX);
    }

    /** True for {@code $all}, the global log. */
    public boolean isAll() {
        return value.equals(ALL);
    }

    /** The metadata stream of this stream: {@code $$} + name. */
    public StreamName metadataStream() {
        if (isMetadata()) {
            throw new InvalidArgumentException("a metadata stream has no metadata stream: " + value);
        }
        return new StreamName(METADATA_PREFIX + value);
    }

    /** For a metadata stream {@code $$x}, the stream {@code x} it describes. */
    public StreamName metadataOf() {
        if (!isMetadata()) {
            throw new InvalidArgumentException("not a metadata stream: " + value);
        }
        return new StreamName(value.substring(METADATA_PREFIX.length()));
    }

    @Override
    public int compareTo(StreamName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
