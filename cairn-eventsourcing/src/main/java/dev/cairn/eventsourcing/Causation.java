package dev.cairn.eventsourcing;

import java.util.Objects;
import java.util.UUID;

/**
 * What caused a write: the id of the command (or event) being handled and the correlation id of
 * the conversation it belongs to. Events saved under a causation carry both in their metadata,
 * so a chain of command, events, reactions and further events can be followed back to where it
 * began.
 *
 * <pre>{@code
 * Causation c = Causation.command();                  // a new conversation: correlation = command id
 * repository.update(id, c, dog -> dog.addTrick("roll over"));
 * Causation next = Causation.of(storedEvent);          // a reaction to an event continues it
 * }</pre>
 *
 * @param messageId the id of the causing message; becomes each event's {@code $causationId}
 * @param correlationId the conversation's id; becomes each event's {@code $correlationId}
 */
public record Causation(String messageId, String correlationId) {

    public Causation {
        Objects.requireNonNull(messageId, "message id");
        Objects.requireNonNull(correlationId, "correlation id");
    }

    /** A new command that starts a conversation: its id is also the correlation id. */
    public static Causation command() {
        String id = UUID.randomUUID().toString();
        return new Causation(id, id);
    }

    /** A command with a known id (for example from an HTTP request) that starts a conversation. */
    public static Causation command(String commandId) {
        return new Causation(commandId, commandId);
    }

    /** A command that continues the conversation {@code correlationId}. */
    public static Causation command(String commandId, String correlationId) {
        return new Causation(commandId, correlationId);
    }

    /** A reaction to a stored event: caused by it, in its conversation. */
    public static Causation of(StoredEvent<?> event) {
        String correlation = event.metadata().correlationId();
        String id = event.id().toString();
        return new Causation(id, correlation != null ? correlation : id);
    }

    /** The metadata of an event written under this causation. */
    EventMetadata metadata(int schemaVersion) {
        return new EventMetadata(correlationId, messageId, schemaVersion, java.util.Map.of());
    }
}
