package dev.cairn.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a persistent subscription group, with KurrentDB's defaults
 * ({@link #defaults()}). A group delivers each event at least once: events are retried until
 * acknowledged, parked after too many retries, and the group's progress is checkpointed so that a
 * restart resumes from the last checkpoint.
 *
 * @param startFrom where a group with no checkpoint yet starts; default {@link StartFrom#end()}
 * @param resolveLinks deliver the targets of links (default false)
 * @param extraStatistics KurrentDB's flag for latency statistics; Cairn stores and reports it but
 *     records no extra measurements (default false)
 * @param messageTimeout an event not acknowledged this long after it was sent is retried (default
 *     30 s); zero means never
 * @param maxRetryCount an event delivered this many times more than once and still not
 *     acknowledged is parked (default 10)
 * @param checkpointAfter write a checkpoint at most this often while fewer than
 *     {@code maxCheckpointCount} events were handled since the last one (default 2 s); zero means
 *     only by count
 * @param minCheckpointCount events handled before a timed checkpoint is written (default 10)
 * @param maxCheckpointCount events handled after which a checkpoint is written at once (default 1000)
 * @param maxSubscriberCount consumers allowed at once; 0 means no limit (default 0)
 * @param liveBufferSize events read ahead and waiting for a consumer once the group is live
 *     (default 500)
 * @param readBatchSize events read from the log in one go (default 20); less than
 *     {@code historyBufferSize}
 * @param historyBufferSize events read ahead and waiting for a consumer while the group catches up
 *     (default 500)
 * @param consumerStrategy how events are shared among consumers (default round robin)
 */
public record PersistentSubscriptionSettings(StartFrom startFrom, boolean resolveLinks, boolean extraStatistics,
        Duration messageTimeout, int maxRetryCount, Duration checkpointAfter, int minCheckpointCount,
        int maxCheckpointCount, int maxSubscriberCount, int liveBufferSize, int readBatchSize,
        int historyBufferSize, ConsumerStrategy consumerStrategy) {

    public PersistentSubscriptionSettings {
        Objects.requireNonNull(startFrom, "start position must be given");
        Objects.requireNonNull(consumerStrategy, "consumer strategy must be given");
        if (messageTimeout == null || messageTimeout.isNegative()) {
            throw new InvalidArgumentException("message timeout must not be negative");
        }
        if (checkpointAfter == null || checkpointAfter.isNegative()) {
            throw new InvalidArgumentException("checkpoint after must not be negative");
        }
        if (maxRetryCount < 0 || maxSubscriberCount < 0) {
            throw new InvalidArgumentException("max retry count and max subscriber count must not be negative");
        }
        if (minCheckpointCount < 0 || maxCheckpointCount < minCheckpointCount) {
            throw new InvalidArgumentException("checkpoint counts must satisfy 0 <= min <= max, were "
                    + minCheckpointCount + " and " + maxCheckpointCount);
        }
        if (readBatchSize <= 0 || liveBufferSize <= 0) {
            throw new InvalidArgumentException("read batch size and live buffer size must be positive");
        }
        if (readBatchSize >= historyBufferSize) {
            throw new InvalidArgumentException("ReadBatchSize may not be greater than or equal to BufferSize");
        }
    }

    /** KurrentDB's defaults, as its clients send them. */
    public static PersistentSubscriptionSettings defaults() {
        return new PersistentSubscriptionSettings(StartFrom.end(), false, false, Duration.ofSeconds(30), 10,
                Duration.ofSeconds(2), 10, 1000, 0, 500, 20, 500, ConsumerStrategy.ROUND_ROBIN);
    }

    public PersistentSubscriptionSettings startFrom(StartFrom value) {
        return new PersistentSubscriptionSettings(value, resolveLinks, extraStatistics, messageTimeout, maxRetryCount,
                checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    public PersistentSubscriptionSettings resolveLinks(boolean value) {
        return new PersistentSubscriptionSettings(startFrom, value, extraStatistics, messageTimeout, maxRetryCount,
                checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    public PersistentSubscriptionSettings extraStatistics(boolean value) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, value, messageTimeout, maxRetryCount,
                checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    public PersistentSubscriptionSettings messageTimeout(Duration value) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, value, maxRetryCount,
                checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    public PersistentSubscriptionSettings maxRetryCount(int value) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, messageTimeout, value,
                checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    public PersistentSubscriptionSettings checkpointAfter(Duration value) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, messageTimeout,
                maxRetryCount, value, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    /** Both checkpoint counts at once (min, then max), so that the pair is validated together. */
    public PersistentSubscriptionSettings checkpointCounts(int min, int max) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, messageTimeout,
                maxRetryCount, checkpointAfter, min, max, maxSubscriberCount, liveBufferSize, readBatchSize,
                historyBufferSize, consumerStrategy);
    }

    public PersistentSubscriptionSettings maxSubscriberCount(int value) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, messageTimeout,
                maxRetryCount, checkpointAfter, minCheckpointCount, maxCheckpointCount, value, liveBufferSize,
                readBatchSize, historyBufferSize, consumerStrategy);
    }

    /** The three buffer sizes at once (live, read batch, history), so that they are validated together. */
    public PersistentSubscriptionSettings buffers(int live, int readBatch, int history) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, messageTimeout,
                maxRetryCount, checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount, live,
                readBatch, history, consumerStrategy);
    }

    public PersistentSubscriptionSettings consumerStrategy(ConsumerStrategy value) {
        return new PersistentSubscriptionSettings(startFrom, resolveLinks, extraStatistics, messageTimeout,
                maxRetryCount, checkpointAfter, minCheckpointCount, maxCheckpointCount, maxSubscriberCount,
                liveBufferSize, readBatchSize, historyBufferSize, value);
    }

    /**
     * Where a group starts when it has no checkpoint: the first event, only events appended after
     * the group starts, a stream revision (inclusive), or a {@code $all} position (inclusive).
     */
    public sealed interface StartFrom permits StartFrom.Start, StartFrom.End, StartFrom.Revision, StartFrom.At {

        static StartFrom start() {
            return Start.INSTANCE;
        }

        static StartFrom end() {
            return End.INSTANCE;
        }

        /** From {@code revision} of the stream, inclusive (streams only). */
        static StartFrom revision(long revision) {
            return revision == 0 ? Start.INSTANCE : new Revision(revision);
        }

        /** From {@code position} of {@code $all}, inclusive ({@code $all} only). */
        static StartFrom position(Position position) {
            if (position.isEnd()) {
                return End.INSTANCE;
            }
            return position.equals(Position.START) ? Start.INSTANCE : new At(position);
        }

        /** The first event. */
        enum Start implements StartFrom {
            INSTANCE
        }

        /** Only events appended after the group starts. */
        enum End implements StartFrom {
            INSTANCE
        }

        /** A stream revision, inclusive; positive. */
        record Revision(long revision) implements StartFrom {
            public Revision {
                if (revision <= 0) {
                    throw new InvalidArgumentException("start revision must be positive (0 is the start), was "
                            + revision);
                }
            }
        }

        /** A {@code $all} position, inclusive. */
        record At(Position position) implements StartFrom {
            public At {
                Objects.requireNonNull(position, "position");
                if (position.isEnd()) {
                    throw new InvalidArgumentException("use StartFrom.end() for the end of $all");
                }
            }
        }
    }
}
