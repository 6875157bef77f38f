package dev.cairn.engine.persistent;

import dev.cairn.api.ResolvedEvent;
import java.util.UUID;

/**
 * One event a group delivers until it is handled. Events read from the source carry a sequence
 * number (their order of reading) and the position of what was read before them, which is where
 * the group may checkpoint while this one is not handled. Replayed parked events have neither.
 * Mutable ({@link #retryCount}); guarded by its group's lock.
 */
final class Message {

    final ResolvedEvent event;
    /** The id consumers acknowledge: the delivered record's ({@link ResolvedEvent#originalEvent()}). */
    final UUID id;
    /** Order of reading from the source; -1 for a replayed parked event. */
    final long sequence;
    /** Where it stands in the source; null for a replayed parked event. */
    final SourcePosition position;
    /** Where the event read before it stands, or the checkpoint the group resumed from; null if none. */
    final SourcePosition previous;
    /** Deliveries so far beyond the first. */
    int retryCount;

    Message(ResolvedEvent event, long sequence, SourcePosition position, SourcePosition previous) {
        this.event = event;
        this.id = event.originalEvent().id();
        this.sequence = sequence;
        this.position = position;
        this.previous = previous;
    }

    /** A parked event sent again: outside the source's order, so it takes no part in checkpoints. */
    static Message replayed(ResolvedEvent event) {
        return new Message(event, -1, null, null);
    }

    boolean isReplayed() {
        return sequence < 0;
    }
}
