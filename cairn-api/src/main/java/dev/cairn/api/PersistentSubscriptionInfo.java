package dev.cairn.api;

import java.util.List;

/**
 * A persistent subscription group's settings and statistics, as KurrentDB's {@code GetInfo} and
 * {@code List} report them. Positions are strings in KurrentDB's form: a revision for a stream
 * group, {@code C:commit/P:prepare} for a {@code $all} group; empty when there is none yet.
 *
 * @param source the group's stream, or {@code $all}
 * @param group the group's name
 * @param status {@code Live} once the group has read to the end of its source, {@code Behind}
 *     while it catches up, with {@code , ReplayingParkedMessages} while parked messages are
 *     replayed; {@code Faulted} when reading its source failed (a tombstoned stream)
 * @param settings the group's settings
 * @param filter the filter of a {@code $all} group, or null
 * @param connections the consumers
 * @param averagePerSecond events sent per second since the previous report
 * @param totalItems events sent since the group started
 * @param countSinceLastMeasurement events sent since the previous report
 * @param lastCheckpointedEventPosition the last checkpoint written (or loaded)
 * @param lastKnownEventPosition the last event read from the source
 * @param readBufferCount events read ahead while catching up, not yet sent
 * @param liveBufferCount events read ahead while live, not yet sent
 * @param retryBufferCount events waiting to be sent again (retries and replayed parked events)
 * @param totalInFlightMessages events sent and not yet acknowledged, over all consumers
 * @param outstandingMessagesCount the same count, as the group tracks it
 * @param parkedMessageCount events in the parked-message stream, not yet replayed
 */
public record PersistentSubscriptionInfo(StreamName source, String group, String status,
        PersistentSubscriptionSettings settings, EventFilter filter, List<Connection> connections,
        int averagePerSecond, long totalItems, long countSinceLastMeasurement, String lastCheckpointedEventPosition,
        String lastKnownEventPosition, int readBufferCount, long liveBufferCount, int retryBufferCount,
        int totalInFlightMessages, int outstandingMessagesCount, long parkedMessageCount) {

    public PersistentSubscriptionInfo {
        connections = List.copyOf(connections);
    }

    /**
     * One consumer.
     *
     * @param from where it connects from
     * @param username who it is
     * @param averageItemsPerSecond events sent to it per second since the previous report
     * @param totalItems events sent to it
     * @param countSinceLastMeasurement events sent to it since the previous report
     * @param availableSlots events it can still take (its buffer size minus those in flight)
     * @param inFlightMessages events sent to it and not yet acknowledged
     * @param connectionName its name
     */
    public record Connection(String from, String username, int averageItemsPerSecond, long totalItems,
            long countSinceLastMeasurement, int availableSlots, int inFlightMessages, String connectionName) {
    }
}
