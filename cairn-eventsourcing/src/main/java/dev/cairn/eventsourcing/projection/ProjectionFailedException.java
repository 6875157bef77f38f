package dev.cairn.eventsourcing.projection;

import dev.cairn.eventsourcing.StoredEvent;

/** A projection (or its view store) failed on an event; its runner stopped before that event. */
public class ProjectionFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProjectionFailedException(String projection, StoredEvent<?> event, Throwable cause) {
        super("projection '" + projection + "' failed on " + event.type() + " " + event.revision() + "@"
                + event.stream() + " (" + event.position() + "): " + cause.getMessage(), cause);
    }

    public ProjectionFailedException(String projection, Throwable cause) {
        super("projection '" + projection + "' stopped: " + cause.getMessage(), cause);
    }
}
