package dev.cairn.api;

/** What a persistent subscription does with an event a consumer could not handle. */
public enum NackAction {
    /** Treated as {@link #RETRY}, as KurrentDB does. */
    UNKNOWN,
    /** Move the event to the group's parked-message stream at once, for a later replay. */
    PARK,
    /** Deliver it again (to any consumer), or park it once it has been retried the maximum count. */
    RETRY,
    /** Forget it: it counts as handled. */
    SKIP,
    /**
     * KurrentDB takes the event out of flight and does nothing else, so it is not redelivered,
     * just as with {@link #SKIP}; Cairn does the same. To stop consuming, stop the subscription.
     */
    STOP
}
