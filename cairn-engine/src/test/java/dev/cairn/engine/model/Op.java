package dev.cairn.engine.model;

import java.util.List;

/**
 * One random operation of {@link StoreModelTest}. Operations name streams and event ids by index
 * into small pools, and expected states by kind plus an offset from the stream's current revision,
 * so that they stay meaningful (and shrinkable) whatever state earlier operations left.
 */
sealed interface Op {

    /** How to build an expected state: any, no stream, stream exists, or current revision + delta. */
    enum Kind { ANY, NO_STREAM, STREAM_EXISTS, EXACT }

    record Expect(Kind kind, int delta) {
        @Override
        public String toString() {
            return kind == Kind.EXACT ? "cur" + (delta >= 0 ? "+" : "") + delta : kind.toString().toLowerCase();
        }
    }

    /** An event by pool index of its id, and a type index. */
    record Ev(int id, int type) {
        @Override
        public String toString() {
            return "e" + id + "/T" + type;
        }
    }

    record Append(int stream, Expect expect, List<Ev> events) implements Op {
    }

    /** How a retry reuses an earlier append. */
    enum RetryMode { EXACT, AS_ANY, PREFIX, SUFFIX, PLUS_ONE }

    /** Re-sends an earlier single-stream append ({@code pick} modulo how many there were). */
    record Retry(int pick, RetryMode mode) implements Op {
    }

    record Part(int stream, Expect expect, List<Ev> events) {
    }

    record Multi(List<Part> parts) implements Op {
    }

    /** Re-sends an earlier multi-stream append exactly. */
    record MultiRetry(int pick) implements Op {
    }

    /** A multi-stream append naming one stream twice, in two letter cases: invalid. */
    record MultiSameStream(int stream) implements Op {
    }

    record Delete(int stream, Expect expect) implements Op {
    }

    record Tombstone(int stream, Expect expect) implements Op {
    }

    /** Sets metadata, expecting a state of the metadata stream; null fields are unset. */
    record SetMetadata(int stream, Expect expect, Long maxCount, Long truncateBefore) implements Op {
    }

    record Reopen() implements Op {
    }

    /** Compares every read with the model. */
    record Verify() implements Op {
    }
}
