package dev.cairn.api;

/**
 * How to read the global log {@code $all}.
 *
 * @param direction forwards or backwards
 * @param from where to start: forwards, the first event at or after it; backwards, the first
 *     event before it ({@link Position#END} reads backwards from the last event)
 * @param maxCount at most this many events; must be positive
 * @param resolveLinks whether to return the targets of links
 * @param filter which events to return, or null for all
 */
public record ReadAllOptions(ReadDirection direction, Position from, long maxCount, boolean resolveLinks,
        EventFilter filter) {

    public ReadAllOptions {
        if (direction == null || from == null) {
            throw new InvalidArgumentException("read direction and start position must be given");
        }
        if (maxCount <= 0) {
            throw new InvalidArgumentException("max count must be positive, was " + maxCount);
        }
    }

    public static ReadAllOptions forwards() {
        return new ReadAllOptions(ReadDirection.FORWARDS, Position.START, Long.MAX_VALUE, false, null);
    }

    public static ReadAllOptions backwards() {
        return new ReadAllOptions(ReadDirection.BACKWARDS, Position.END, Long.MAX_VALUE, false, null);
    }

    public ReadAllOptions fromPosition(Position position) {
        return new ReadAllOptions(direction, position, maxCount, resolveLinks, filter);
    }

    public ReadAllOptions maxCount(long count) {
        return new ReadAllOptions(direction, from, count, resolveLinks, filter);
    }

    public ReadAllOptions resolveLinks(boolean resolve) {
        return new ReadAllOptions(direction, from, maxCount, resolve, filter);
    }

    public ReadAllOptions filter(EventFilter newFilter) {
        return new ReadAllOptions(direction, from, maxCount, resolveLinks, newFilter);
    }
}
