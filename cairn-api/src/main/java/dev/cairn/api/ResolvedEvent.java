package dev.cairn.api;

import java.util.Objects;

/**
 * An event returned by a read, with the link that led to it when links were resolved.
 *
 * <p>Without link resolution, {@code event} is the record read and {@code link} is null. With it,
 * a link record comes back as {@code link} with its target as {@code event}; when the target is
 * gone (deleted, truncated, never written) {@code event} is null, as KurrentDB reports it.
 *
 * @param event the event (the link's target, when resolved), or null for a dangling link
 * @param link the link record, or null
 */
public record ResolvedEvent(RecordedEvent event, RecordedEvent link) {

    public ResolvedEvent {
        if (event == null && link == null) {
            throw new NullPointerException("a resolved event needs an event or a link");
        }
    }

    public static ResolvedEvent of(RecordedEvent event) {
        return new ResolvedEvent(event, null);
    }

    /** The record that was read: the link when there is one, else the event. */
    public RecordedEvent originalEvent() {
        return link != null ? link : event;
    }

    /** The position of the record that was read. */
    public Position position() {
        return originalEvent().position();
    }
}
