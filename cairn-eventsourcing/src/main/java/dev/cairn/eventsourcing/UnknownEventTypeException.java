package dev.cairn.eventsourcing;

/** An event's type or class is not in the {@link EventRegistry}, or an old version has no upcaster. */
public class UnknownEventTypeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnknownEventTypeException(String message) {
        super(message);
    }
}
