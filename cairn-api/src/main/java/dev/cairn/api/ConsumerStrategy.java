package dev.cairn.api;

import java.util.Locale;

/**
 * How a persistent subscription group shares events among its consumers. Whatever the strategy,
 * a consumer never has more events in flight (delivered, not yet acknowledged) than the buffer size
 * it asked for.
 */
public enum ConsumerStrategy {
    /**
     * Every event goes to the first consumer until its buffer is full, then to the next one (in
     * the order they joined), and so on.
     */
    DISPATCH_TO_SINGLE("DispatchToSingle"),
    /** Events go to the consumers in turn, skipping those whose buffer is full. */
    ROUND_ROBIN("RoundRobin"),
    /**
     * Events of one source stream go to the same consumer while the set of consumers does not
     * change (the stream of a resolved link's target, or the stream a link points to). When that
     * consumer's buffer is full, the event waits.
     */
    PINNED("Pinned"),
    /** Like {@link #PINNED}, keyed by the {@code $correlationId} in the event's JSON metadata when it has one. */
    PINNED_BY_CORRELATION("PinnedByCorrelation");

    private final String wireName;

    ConsumerStrategy(String wireName) {
        this.wireName = wireName;
    }

    /** KurrentDB's name: {@code DispatchToSingle}, {@code RoundRobin}, {@code Pinned}, {@code PinnedByCorrelation}. */
    public String wireName() {
        return wireName;
    }

    /** The strategy with KurrentDB's name {@code name} (compared without regard to case). */
    public static ConsumerStrategy ofName(String name) {
        for (ConsumerStrategy s : values()) {
            if (s.wireName.toLowerCase(Locale.ROOT).equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new InvalidArgumentException("Consumer strategy " + name + " does not exist.");
    }
}
