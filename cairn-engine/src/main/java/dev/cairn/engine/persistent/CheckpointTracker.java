package dev.cairn.engine.persistent;

import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.ResolvedEvent;
import java.util.TreeMap;

/**
 * Decides where a group may checkpoint and when, as KurrentDB does. Every event read from the
 * source gets the next sequence number and stays pending until it is handled (acknowledged,
 * skipped, or durably parked). The group may checkpoint the position just before its oldest
 * pending event, or, with none pending, the last position read; resuming after that position
 * therefore redelivers what was not handled and skips nothing (at-least-once).
 *
 * <p>A checkpoint is written when {@code maxCheckpointCount} events were handled since the last
 * one, or on a timer tick when {@code checkpointAfter} has passed and at least
 * {@code minCheckpointCount} were handled. Only one write is in flight at a time.
 *
 * <p>Not thread-safe: guarded by its group's lock.
 */
final class CheckpointTracker {

    /** A checkpoint to write: everything up to and including {@code position} is handled. */
    record Due(long sequence, SourcePosition position) {
    }

    private final PersistentSubscriptionSettings settings;
    private final TreeMap<Long, Message> pending = new TreeMap<>();
    private long nextSequence;
    private long lastKnownSequence;
    private SourcePosition lastKnown;
    private long checkpointedSequence;
    private SourcePosition checkpointed;
    private long lastWriteMillis = Long.MIN_VALUE;
    private boolean writing;

    /** Starts after {@code resumedFrom} (the loaded checkpoint), or from nothing when it is null. */
    CheckpointTracker(PersistentSubscriptionSettings settings, SourcePosition resumedFrom) {
        this.settings = settings;
        if (resumedFrom != null) {
            nextSequence = 1;
            lastKnownSequence = 0;
            checkpointedSequence = 0;
            lastKnown = resumedFrom;
            checkpointed = resumedFrom;
        } else {
            lastKnownSequence = -1;
            checkpointedSequence = -1;
        }
    }

    /** An event was read: it becomes pending. */
    Message read(ResolvedEvent event, SourcePosition position) {
        Message m = new Message(event, nextSequence++, position, lastKnown);
        pending.put(m.sequence, m);
        lastKnown = position;
        lastKnownSequence = m.sequence;
        return m;
    }

    /** {@code count} events up to {@code position} were passed over by the filter: handled at once. */
    void skipped(SourcePosition position, long count) {
        nextSequence += Math.max(1, count);
        lastKnownSequence = nextSequence - 1;
        lastKnown = position;
    }

    /** A read event was handled. */
    void handled(Message m) {
        if (!m.isReplayed()) {
            pending.remove(m.sequence);
        }
    }

    SourcePosition lastKnown() {
        return lastKnown;
    }

    SourcePosition checkpointed() {
        return checkpointed;
    }

    /**
     * The checkpoint to write now, or null. {@code timerTick} says whether the group's timer asks
     * (only then does {@code minCheckpointCount} apply); {@code force} ignores counts and time (on
     * an orderly stop) but still needs something new to write.
     */
    Due due(long nowMillis, boolean timerTick, boolean force) {
        if (writing) {
            return null;
        }
        long sequence;
        SourcePosition position;
        if (!pending.isEmpty()) {
            Message oldest = pending.firstEntry().getValue();
            sequence = oldest.sequence - 1;
            position = oldest.previous;
        } else {
            sequence = lastKnownSequence;
            position = lastKnown;
        }
        if (position == null || sequence < 0) {
            return null;
        }
        long handled = sequence - checkpointedSequence;
        if (handled <= 0) {
            return null;
        }
        if (force) {
            return new Due(sequence, position);
        }
        long after = settings.checkpointAfter().toMillis();
        boolean timeDue = after > 0 && (lastWriteMillis == Long.MIN_VALUE || nowMillis - lastWriteMillis >= after);
        if (!timeDue && handled < settings.maxCheckpointCount()) {
            return null;
        }
        if ((timerTick && handled >= settings.minCheckpointCount()) || handled >= settings.maxCheckpointCount()) {
            return new Due(sequence, position);
        }
        return null;
    }

    /** A write of {@code due} began. */
    void writing(Due due, long nowMillis) {
        writing = true;
        lastWriteMillis = nowMillis;
        checkpointedSequence = due.sequence;
    }

    /** The write of {@code due} ended; on failure the same progress is tried again later. */
    void written(Due due, boolean ok, long sequenceBefore) {
        writing = false;
        if (ok) {
            checkpointed = due.position;
        } else {
            checkpointedSequence = sequenceBefore;
        }
    }

    long checkpointedSequence() {
        return checkpointedSequence;
    }

    boolean isWriting() {
        return writing;
    }
}
