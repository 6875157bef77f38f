package dev.cairn.client;

/** Which member of a cluster a client talks to, as the official clients name them. */
public enum NodePreference {
    /** The leader: every call works there (the default). */
    LEADER,
    /** A follower; writes are redirected to the leader. */
    FOLLOWER,
    /** A read-only replica; writes are redirected to the leader. */
    READ_ONLY_REPLICA,
    /** Any alive member. */
    RANDOM
}
