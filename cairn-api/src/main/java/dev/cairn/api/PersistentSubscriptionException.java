package dev.cairn.api;

/**
 * A persistent subscription operation failed: the group exists already, does not exist, has its
 * maximum number of consumers, dropped a consumer, or refused the request. {@link #code()} says
 * which; {@link #source()} and {@link #group()} name the group.
 */
public class PersistentSubscriptionException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final transient StreamName source;
    private final String group;
    private final String reason;

    public PersistentSubscriptionException(ErrorCode code, StreamName source, String group, String message) {
        this(code, source, group, message, message);
    }

    private PersistentSubscriptionException(ErrorCode code, StreamName source, String group, String message,
            String reason) {
        super(code, message);
        this.source = source;
        this.group = group;
        this.reason = reason;
    }

    public static PersistentSubscriptionException exists(StreamName source, String group) {
        return new PersistentSubscriptionException(ErrorCode.PERSISTENT_SUBSCRIPTION_EXISTS, source, group,
                "Subscription group " + group + " on stream " + source + " exists.");
    }

    public static PersistentSubscriptionException notFound(StreamName source, String group) {
        return new PersistentSubscriptionException(ErrorCode.PERSISTENT_SUBSCRIPTION_NOT_FOUND, source, group,
                "Subscription group " + group + " on stream " + source + " does not exist.");
    }

    public static PersistentSubscriptionException maximumSubscribersReached(StreamName source, String group) {
        return new PersistentSubscriptionException(ErrorCode.MAXIMUM_SUBSCRIBERS_REACHED, source, group,
                "Maximum subscriptions reached for subscription group " + group + " on stream " + source + ".");
    }

    public static PersistentSubscriptionException dropped(StreamName source, String group) {
        return new PersistentSubscriptionException(ErrorCode.PERSISTENT_SUBSCRIPTION_DROPPED, source, group,
                "Subscription group " + group + " on stream " + source + " was dropped.");
    }

    /** The operation was refused or failed; {@code reason} says why (KurrentDB's wording where it has one). */
    public static PersistentSubscriptionException failed(StreamName source, String group, String reason) {
        return new PersistentSubscriptionException(ErrorCode.PERSISTENT_SUBSCRIPTION_FAILED, source, group,
                "Subscription group " + group + " on stream " + source + " failed: '" + reason + "'", reason);
    }

    /** The group's stream, or {@code $all}. */
    public StreamName source() {
        return source;
    }

    public String group() {
        return group;
    }

    /** Why a {@link ErrorCode#PERSISTENT_SUBSCRIPTION_FAILED} failure happened; the message otherwise. */
    public String reason() {
        return reason;
    }
}
