package dev.cairn.api;

/**
 * The type of an event, such as {@code OrderPlaced}.
 *
 * <p>Types starting with {@code $} are reserved for the system. Users may write two of them:
 * {@link #LINK} ({@code $>}, a pointer to another event) anywhere, and {@link #METADATA} to
 * metadata streams, which is how the official clients set stream metadata. The constructor only
 * requires a non-empty value; {@link #requireWritableTo(StreamName)} applies the reservation rule
 * on append.
 *
 * @param value the type name, non-empty
 */
public record EventType(String value) {

    /** A link to another event; its data is {@code revision@stream}. */
    public static final EventType LINK = new EventType("$>");
    /** Stream metadata, written to {@code $$stream}. */
    public static final EventType METADATA = new EventType("$metadata");
    /** The event a tombstone (hard delete) writes. */
    public static final EventType STREAM_DELETED = new EventType("$streamDeleted");
    /** Settings events, written to {@code $settings}. */
    public static final EventType SETTINGS = new EventType("$settings");

    public EventType {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException("event type must not be empty");
        }
    }

    public static EventType of(String value) {
        return new EventType(value);
    }

    /** True for types starting with {@code $}. */
    public boolean isReserved() {
        return value.startsWith("$");
    }

    /** True for a link ({@code $>}). */
    public boolean isLink() {
        return equals(LINK);
    }

    /**
     * Checks that a user may append an event of this type to {@code stream}: user event types must
     * not start with {@code $}, except links anywhere, {@code $metadata} on metadata streams and
     * {@code $settings} on {@code $settings}.
     *
     * @throws InvalidArgumentException naming the rule that was broken
     */
    public void requireWritableTo(StreamName stream) {
        if (!isReserved() || isLink()) {
            return;
        }
        if (equals(METADATA) && stream.isMetadata()) {
            return;
        }
        if (equals(SETTINGS) && stream.value().equals(SETTINGS.value)) {
            return;
        }
        throw new InvalidArgumentException("event type '" + value
                + "' is reserved: user event types must not start with '$'");
    }

    @Override
    public String toString() {
        return value;
    }
}
