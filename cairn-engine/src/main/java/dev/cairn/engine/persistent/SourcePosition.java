package dev.cairn.engine.persistent;

import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.Position;

/**
 * A place in a group's source, as checkpoints store it: a stream revision, or a {@code $all}
 * position. {@link #toString()} is KurrentDB's text form ({@code 5}, {@code C:123/P:123}), which is
 * what checkpoint events hold and what statistics report. Immutable.
 */
sealed interface SourcePosition permits SourcePosition.Revision, SourcePosition.LogPosition {

    /** A revision of a stream. */
    record Revision(long revision) implements SourcePosition {
        @Override
        public String toString() {
            return Long.toString(revision);
        }
    }

    /** A position in {@code $all}; the longs are signed, as KurrentDB prints them. */
    record LogPosition(long commit, long prepare) implements SourcePosition {

        static LogPosition of(Position p) {
            return new LogPosition(p.commit(), p.prepare());
        }

        Position toPosition() {
            return Position.of(commit, prepare);
        }

        @Override
        public String toString() {
            return "C:" + commit + "/P:" + prepare;
        }
    }

    /** Parses KurrentDB's text form of a revision. */
    static Revision parseRevision(String text) {
        try {
            return new Revision(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("not a stream revision: '" + text + "'");
        }
    }

    /** Parses KurrentDB's text form of a {@code $all} position, {@code C:commit/P:prepare}. */
    static LogPosition parseLogPosition(String text) {
        String t = text.trim();
        int slash = t.indexOf("/P:");
        if (!t.startsWith("C:") || slash < 0) {
            throw new InvalidArgumentException("not a $all position: '" + text + "'");
        }
        try {
            return new LogPosition(Long.parseLong(t.substring(2, slash)), Long.parseLong(t.substring(slash + 3)));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("not a $all position: '" + text + "'");
        }
    }
}
