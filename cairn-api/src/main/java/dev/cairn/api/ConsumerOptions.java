package dev.cairn.api;

import java.util.Objects;

/**
 * How a consumer joins a persistent subscription group.
 *
 * @param bufferSize events this consumer accepts in flight (sent, not yet acknowledged); positive
 * @param connectionName a name reported in the group's statistics (KurrentDB's connection name)
 * @param from where the consumer connects from, reported in the statistics
 * @param username who the consumer is, reported in the statistics
 */
public record ConsumerOptions(int bufferSize, String connectionName, String from, String username) {

    /** KurrentDB's clients ask for 10 events in flight by default. */
    public static final int DEFAULT_BUFFER_SIZE = 10;

    public ConsumerOptions {
        if (bufferSize <= 0) {
            throw new InvalidArgumentException("buffer size must be positive, was " + bufferSize);
        }
        connectionName = Objects.requireNonNullElse(connectionName, "<unknown>");
        from = Objects.requireNonNullElse(from, "embedded");
        username = Objects.requireNonNullElse(username, "anonymous");
    }

    /** An embedded consumer with {@code bufferSize} events in flight. */
    public static ConsumerOptions bufferSize(int bufferSize) {
        return new ConsumerOptions(bufferSize, null, null, null);
    }
}
