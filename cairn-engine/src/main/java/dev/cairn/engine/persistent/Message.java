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
    /** The replay that sent a parked event again; null for events read from the source. */
    final ParkedReplay replay;
    /** Deliveries so far beyond the first. */
    int retryCount;

    Message(ResolvedEvent event, long sequence, SourcePosition position, SourcePosition previous) {
        this(event, sequence, position, previous, null);
    }

    private Message(ResolvedEvent event, long sequence, SourcePosition position, SourcePosition previous,
            ParkedReplay replay) {
        this.event = event;
        this.id = event.originalEvent().id();
        this.sequence = sequence;
        this.position = position;
        this.previous = previous;
        this.replay = replay;
    }

    /** A parked event sent again: outside the source's order, so it takes no part in checkpoints. */
    static Message replayed(ResolvedEvent event, ParkedReplay replay) {
        return new Message(event, -1, null, null, replay);
    }

    boolean isReplayed() {
        return sequence < 0;
    }
}
