package dev.cairn.api;

/**
 * How to read a stream.
 *
 * @param direction forwards or backwards
 * @param from the first revision to return (inclusive); {@link StreamRevision#END} reads backwards
 *     from the last event
 * @param maxCount at most this many events; must be positive
 * @param resolveLinks whether to return the targets of links
 */
public record ReadStreamOptions(ReadDirection direction, StreamRevision from, long maxCount, boolean resolveLinks) {

    public ReadStreamOptions {
        if (direction == null || from == null) {
            throw new InvalidArgumentException("read direction and start revision must be given");
        }
        if (maxCount <= 0) {
            throw new InvalidArgumentException("max count must be positive, was " + maxCount);
        }
    }

    /** Forwards from the start, everything, links not resolved. */
    public static ReadStreamOptions forwards() {
        return new ReadStreamOptions(ReadDirection.FORWARDS, StreamRevision.START, Long.MAX_VALUE, false);
    }

    /** Backwards from the end, everything, links not resolved. */
    public static ReadStreamOptions backwards() {
        return new ReadStreamOptions(ReadDirection.BACKWARDS, StreamRevision.END, Long.MAX_VALUE, false);
    }

    public ReadStreamOptions fromRevision(long revision) {
        return new ReadStreamOptions(direction, StreamRevision.of(revision), maxCount, resolveLinks);
    }

    public ReadStreamOptions maxCount(long count) {
        return new ReadStreamOptions(direction, from, count, resolveLinks);
    }

    public ReadStreamOptions resolveLinks(boolean resolve) {
        return new ReadStreamOptions(direction, from, maxCount, resolve);
    }
}
