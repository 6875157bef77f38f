package dev.cairn.api;

import java.util.List;
import java.util.Optional;

/**
 * Persistent subscriptions (KurrentDB's competing consumers): server-side groups, each on one
 * stream or on {@code $all}, that share events among the consumers connected to them with
 * at-least-once delivery. A group's settings and its checkpoints live in system streams, so groups
 * survive restarts and resume from their last checkpoint. See {@link PersistentSubscriptionSettings}
 * for what each setting means.
 *
 * <p>Streams written by groups, as KurrentDB names them ({@code <key>} is {@code stream::group},
 * {@code $all::group} for {@code $all}): settings of every group in {@code $persistentSubscriptionConfig};
 * checkpoints in {@code $persistentsubscription-<key>-checkpoint}; parked events, as links, in
 * {@code $persistentsubscription-<key>-parked}.
 *
 * <p>Management calls return once the change is durable. Thread-safe. Failures are
 * {@link PersistentSubscriptionException}s (exists, not found, failed) and the store's own errors.
 */
public interface PersistentSubscriptions {

    /** Creates a group on {@code stream}; the start, if a revision, is a revision of that stream. */
    void createToStream(StreamName stream, String group, PersistentSubscriptionSettings settings);

    /** Creates a group on {@code $all} delivering the events {@code filter} accepts (null: all). */
    void createToAll(String group, PersistentSubscriptionSettings settings, EventFilter filter);

    /**
     * Replaces a group's settings (a {@code $all} group keeps its filter). Its consumers are
     * dropped and it restarts from its last checkpoint, or from the new start when it has none.
     */
    void update(StreamName source, String group, PersistentSubscriptionSettings settings);

    /** Deletes a group, drops its consumers, and deletes its checkpoint and parked-message streams. */
    void delete(StreamName source, String group);

    /** A group's settings and statistics; empty when there is no such group. */
    Optional<PersistentSubscriptionInfo> getInfo(StreamName source, String group);

    /** Every group, ordered by source then name. */
    List<PersistentSubscriptionInfo> list();

    /** The groups on {@code source} (a stream or {@code $all}); fails with not found when it has none. */
    List<PersistentSubscriptionInfo> list(StreamName source);

    /**
     * Sends the group's parked events again, before new ones: those parked at revisions below
     * {@code stopAt} of the parked-message stream, or all of them when it is null. They leave the
     * parked stream once every replayed event was acknowledged (or parked again). Fails if a replay
     * is already running.
     */
    void replayParked(StreamName source, String group, Long stopAt);

    /**
     * Drops the group's parked events at revisions below {@code stopAt} of the parked-message
     * stream (all when null) without replaying them. Fails if a replay is running.
     */
    void truncateParked(StreamName source, String group, Long stopAt);

    /** Drops every consumer and restarts every group from its last checkpoint. */
    void restart();

    /** Joins a group as a consumer; fails when there is no such group or it is full. */
    PersistentSubscription subscribe(StreamName source, String group, ConsumerOptions options,
            PersistentSubscriptionListener listener);
}
