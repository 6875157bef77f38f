package dev.cairn.torture;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load asked the node to do and what the node answered: the oracle the verifier checks a
 * restarted node against. An attempt is recorded before it is sent and its outcome after the
 * answer, so an attempt cut off by a kill stays {@link Outcome#UNKNOWN} (it may or may not have
 * been written, but if it was, it was written whole).
 *
 * <p>Thread-safe: attempts are published through a concurrent queue; each attempt's outcome is
 * written by the one thread that made it, and read only after that thread has stopped.
 */
final class Ledger {

    enum Kind { APPEND, MULTI_STREAM_APPEND, DELETE, TOMBSTONE }

    enum Outcome {
        /** Not answered (the node was killed, or the call failed): written whole or not at all. */
        UNKNOWN,
        /** Acknowledged: must be there, exactly once, where the node said. */
        ACKNOWLEDGED,
        /** Refused (wrong expected revision): must never appear. */
        REFUSED
    }

    /**
     * The events one attempt writes to one stream, in order.
     *
     * @param lastRevision when acknowledged, the revision the node gave the last of them
     */
    record Part(String stream, List<UUID> ids, long[] lastRevision) {
        Part(String stream, List<UUID> ids) {
            this(stream, ids, new long[] {-1});
        }
    }

    /** One request. {@code position} is the acknowledged position of its last event. */
    static final class Attempt {
        final int sequence;
        final int round;
        final Kind kind;
        final List<Part> parts;
        volatile Outcome outcome = Outcome.UNKNOWN;
        volatile long position = -1;

        Attempt(int sequence, int round, Kind kind, List<Part> parts) {
            this.sequence = sequence;
            this.round = round;
            this.kind = kind;
            this.parts = List.copyOf(parts);
        }

        int events() {
            return parts.stream().mapToInt(p -> p.ids().size()).sum();
        }
    }

    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sequence = new AtomicInteger();

    Attempt record(int round, Kind kind, List<Part> parts) {
        Attempt a = new Attempt(sequence.getAndIncrement(), round, kind, parts);
        attempts.add(a);
        return a;
    }

    /** Every attempt so far, in the order they were recorded. */
    List<Attempt> attempts() {
        List<Attempt> all = new ArrayList<>(attempts);
        all.sort(java.util.Comparator.comparingInt(a -> a.sequence));
        return all;
    }
}
