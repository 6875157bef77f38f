package dev.cairn.api;

/**
 * A place in the global log ({@code $all}). Both parts are unsigned 64-bit; {@code commit >=
 * prepare}. In Cairn, as in KurrentDB for ordinary appends, an event's commit and prepare positions
 * are both the byte offset of its record in the log, so positions order events in {@code $all}.
 *
 * @param commit the commit position
 * @param prepare the prepare position
 */
public record Position(long commit, long prepare) implements Comparable<Position> {

    /** Before the first event. */
    public static final Position START = new Position(0, 0);
    /** After the last event. */
    public static final Position END = new Position(-1L, -1L);

    public Position {
        if (Long.compareUnsigned(commit, prepare) < 0) {
            throw new InvalidArgumentException("commit position must be at least the prepare position, was "
                    + Long.toUnsignedString(commit) + " < " + Long.toUnsignedString(prepare));
        }
    }

    public static Position of(long commit, long prepare) {
        return new Position(commit, prepare);
    }

    public boolean isEnd() {
        return commit == -1L && prepare == -1L;
    }

    @Override
    public int compareTo(Position o) {
        int c = Long.compareUnsigned(commit, o.commit);
        return c != 0 ? c : Long.compareUnsigned(prepare, o.prepare);
    }

    @Override
    public String toString() {
        return "C:" + Long.toUnsignedString(commit) + "/P:" + Long.toUnsignedString(prepare);
    }
}
