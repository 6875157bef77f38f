package dev.cairn.engine;

import dev.cairn.api.InvalidArgumentException;
import dev.cairn.engine.log.ChannelFactory;
import dev.cairn.engine.log.Segment;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Configuration of an embedded store, validated once by {@link Builder#build()}.
 *
 * @param directory the data directory ({@code log/} and {@code index/} go inside)
 * @param segmentSize bytes per log segment file (default 256 MiB); an existing log keeps its own
 * @param maxAppendSize the largest append in bytes, summed over its events (default 256 MiB,
 *     KurrentDB's default)
 * @param maxEventSize the largest event in bytes: data + metadata + 2 x type length, as KurrentDB
 *     counts it (default 16 MiB)
 * @param writeQueueCapacity writes waiting for the writer before callers block (default 16384)
 * @param maxGroupSize most requests written with one fdatasync (default 4096)
 * @param streamCacheSize streams whose state is cached in memory (default 100,000)
 * @param indexFlushEvents events between index flushes; bounds what a restart after a crash replays (default 50,000)
 * @param idempotencyWindow how far back, in events of the log, a retried {@code any} or {@code
 *     stream exists} append is recognised by its event ids (default 262,144, about 15 MiB of memory,
 *     reloaded from the log at open); retries with an exact expected revision are recognised
 *     however old the events are
 * @param clock the time source for event timestamps and {@code $maxAge}
 * @param channels opens the log's files (tests inject faults here)
 * @param systemProjections run the projection subsystem with KurrentDB's five standard projections
 *     ({@code $by_category}, {@code $by_event_type}, {@code $streams}, {@code $stream_by_category},
 *     {@code $by_correlation_id}, which write links to {@code $ce-}, {@code $et-}, {@code
 *     $streams}, {@code $category-} and {@code $bc-} streams): each runs once enabled, and stays
 *     enabled or disabled across restarts as it was last set (KurrentDB's {@code
 *     --run-projections=system}; default off). Implied by the two options below.
 * @param standardProjections also enable the standard projections at each open, as KurrentDB's
 *     {@code --start-standard-projections} does (default off, as in KurrentDB)
 * @param userProjections also allow user projections: queries in JavaScript that fold events into
 *     state, emit events and link them (KurrentDB's {@code --run-projections=all}; default off)
 */
public record CairnOptions(Path directory, long segmentSize, long maxAppendSize, long maxEventSize,
        int writeQueueCapacity, int maxGroupSize, long streamCacheSize, long indexFlushEvents, int idempotencyWindow,
        Clock clock, ChannelFactory channels, boolean systemProjections, boolean standardProjections,
        boolean userProjections) {

    public static final long DEFAULT_SEGMENT_SIZE = 256L << 20;
    /**
     * The smallest segment: it holds events of up to about 128 KiB (an event never spans segments,
     * and a segment also holds its header and room for a batch's framing, about 128 KiB). Below it
     * no event would fit at all.
     */
    public static final long MIN_SEGMENT_SIZE = 256L << 10;
    public static final long MAX_SEGMENT_SIZE = 1L << 30;
    public static final long DEFAULT_MAX_APPEND_SIZE = 256L << 20;
    public static final long DEFAULT_MAX_EVENT_SIZE = 16L << 20;
    public static final int DEFAULT_IDEMPOTENCY_WINDOW = 1 << 18;
    /** The largest idempotency window: 2^26 events, about 2.7 GiB of memory. */
    public static final int MAX_IDEMPOTENCY_WINDOW = 1 << 26;

    /**
     * The largest event (as {@code maxEventSize} counts it) a segment of {@code segmentSize} bytes
     * can hold: an event never spans segments.
     */
    public static long largestEventFitting(long segmentSize) {
        return segmentSize - Segment.HEADER_SIZE - 2 * 65_535 - 64;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Builds {@link CairnOptions} with documented defaults. */
    public static final class Builder {
        private final Path directory;
        private long segmentSize = DEFAULT_SEGMENT_SIZE;
        private long maxAppendSize = DEFAULT_MAX_APPEND_SIZE;
        private long maxEventSize = DEFAULT_MAX_EVENT_SIZE;
        private int writeQueueCapacity = 16_384;
        private int maxGroupSize = 4096;
        private long streamCacheSize = 100_000;
        private long indexFlushEvents = 50_000;
        private int idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
        private Clock clock = Clock.systemUTC();
        private ChannelFactory channels = ChannelFactory.DEFAULT;
        private boolean systemProjections;
        private boolean standardProjections;
        private boolean userProjections;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        public Builder segmentSize(long bytes) {
            this.segmentSize = bytes;
            return this;
        }

        public Builder maxAppendSize(long bytes) {
            this.maxAppendSize = bytes;
            return this;
        }

        public Builder maxEventSize(long bytes) {
            this.maxEventSize = bytes;
            return this;
        }

        public Builder writeQueueCapacity(int requests) {
            this.writeQueueCapacity = requests;
            return this;
        }

        public Builder maxGroupSize(int requests) {
            this.maxGroupSize = requests;
            return this;
        }

        public Builder streamCacheSize(long streams) {
            this.streamCacheSize = streams;
            return this;
        }

        public Builder indexFlushEvents(long events) {
            this.indexFlushEvents = events;
            return this;
        }

        public Builder idempotencyWindow(int events) {
            this.idempotencyWindow = events;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder channels(ChannelFactory channels) {
            this.channels = Objects.requireNonNull(channels);
            return this;
        }

        public Builder systemProjections(boolean run) {
            this.systemProjections = run;
            return this;
        }

        public Builder standardProjections(boolean run) {
            this.standardProjections = run;
            return this;
        }

        public Builder userProjections(boolean allow) {
            this.userProjections = allow;
            return this;
        }

        public CairnOptions build() {
            if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE || segmentSize % 4096 != 0) {
                throw new InvalidArgumentException("segment size must be a multiple of 4096 between 256 KiB and 1 GiB, was "
                        + segmentSize);
            }
            long maxRecord = largestEventFitting(segmentSize);
            if (maxEventSize <= 0 || maxEventSize > maxRecord) {
                throw new InvalidArgumentException("max event size must be positive and fit a segment (at most "
                        + maxRecord + " bytes with segments of " + segmentSize + "), was " + maxEventSize);
            }
            if (maxAppendSize <= 0) {
                throw new InvalidArgumentException("max append size must be positive, was " + maxAppendSize);
            }
            if (writeQueueCapacity <= 0 || maxGroupSize <= 0 || streamCacheSize <= 0 || indexFlushEvents <= 0) {
                throw new InvalidArgumentException("queue capacity, group size, cache size and index flush interval "
                        + "must be positive");
            }
            if (idempotencyWindow <= 0 || idempotencyWindow > MAX_IDEMPOTENCY_WINDOW) {
                throw new InvalidArgumentException("idempotency window must be between 1 and " + MAX_IDEMPOTENCY_WINDOW
                        + " events, was " + idempotencyWindow);
            }
            return new CairnOptions(directory, segmentSize, maxAppendSize, maxEventSize, writeQueueCapacity,
                    maxGroupSize, streamCacheSize, indexFlushEvents, idempotencyWindow, clock, channels,
                    systemProjections || standardProjections || userProjections, standardProjections,
                    userProjections);
        }
    }
}
