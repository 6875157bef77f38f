package dev.cairn.engine;

/**
 * Told of each group the store made durable: for metrics ({@code GET /metrics} on a node). Called
 * on the store's sync thread after the group's fdatasync, before its callers are answered, so it
 * must be quick and must not block or throw.
 */
@FunctionalInterface
public interface FlushObserver {

    FlushObserver NONE = (events, bytes, nanos, end) -> { };

    /**
     * @param events events the group wrote
     * @param bytes bytes written to the log for it (records, commit records and page padding)
     * @param nanos how long its write and fdatasync took
     * @param end the end of the durable log after it (KurrentDB's writer checkpoint)
     */
    void flushed(int events, long bytes, long nanos, long end);
}
