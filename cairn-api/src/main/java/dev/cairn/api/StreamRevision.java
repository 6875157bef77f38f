package dev.cairn.api;

/**
 * A revision in a stream (the first event is revision 0), unsigned 64-bit.
 *
 * @param value the revision; {@link #END} means "after the last event"
 */
public record StreamRevision(long value) implements Comparable<StreamRevision> {

    public static final StreamRevision START = new StreamRevision(0);
    /** Past the last event: reading backwards from here starts at the last event. */
    public static final StreamRevision END = new StreamRevision(-1L);

    public static StreamRevision of(long value) {
        return new StreamRevision(value);
    }

    public boolean isEnd() {
        return value == -1L;
    }

    @Override
    public int compareTo(StreamRevision o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return isEnd() ? "end" : Long.toUnsignedString(value);
    }
}
