package dev.cairn.api;

/**
 * Where a {@code $all} subscription starts, what it delivers, and how often it reports progress.
 *
 * @param after deliver events after this position (exclusive: pass the position of the last event
 *     processed, or a checkpoint); null from the first event; {@link Position#END} only events
 *     appended from now on
 * @param resolveLinks whether to deliver the targets of links
 * @param filter which events to deliver, or null for all
 * @param checkpointInterval with a filter, report a checkpoint after this many events looked at
 *     (matching or not); must be positive
 */
public record SubscribeToAllOptions(Position after, boolean resolveLinks, EventFilter filter, int checkpointInterval) {

    /** KurrentDB's default: a checkpoint every 32 events looked at. */
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 32;

    public SubscribeToAllOptions {
        if (checkpointInterval <= 0) {
            throw new InvalidArgumentException("checkpoint interval must be positive, was " + checkpointInterval);
        }
    }

    /** Every event in the log, then live ones. */
    public static SubscribeToAllOptions fromStart() {
        return new SubscribeToAllOptions(null, false, null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** Only events appended from now on. */
    public static SubscribeToAllOptions fromEnd() {
        return new SubscribeToAllOptions(Position.END, false, null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** Events after {@code position}. */
    public static SubscribeToAllOptions after(Position position) {
        return new SubscribeToAllOptions(position, false, null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    public SubscribeToAllOptions resolveLinks(boolean resolve) {
        return new SubscribeToAllOptions(after, resolve, filter, checkpointInterval);
    }

    public SubscribeToAllOptions filter(EventFilter newFilter) {
        return new SubscribeToAllOptions(after, resolveLinks, newFilter, checkpointInterval);
    }

    public SubscribeToAllOptions checkpointInterval(int interval) {
        return new SubscribeToAllOptions(after, resolveLinks, filter, interval);
    }
}
