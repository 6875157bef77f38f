package dev.cairn.api;

/**
 * Where a stream subscription starts and how it delivers.
 *
 * @param after deliver events after this revision (exclusive, as KurrentDB's catch-up
 *     subscriptions do: pass the last revision processed); null from the first event;
 *     {@link StreamRevision#END} only events appended from now on
 * @param resolveLinks whether to deliver the targets of links
 */
public record SubscribeToStreamOptions(StreamRevision after, boolean resolveLinks) {

    /** Every event of the stream, then live ones. */
    public static SubscribeToStreamOptions fromStart() {
        return new SubscribeToStreamOptions(null, false);
    }

    /** Only events appended from now on. */
    public static SubscribeToStreamOptions fromEnd() {
        return new SubscribeToStreamOptions(StreamRevision.END, false);
    }

    /** Events after {@code revision}. */
    public static SubscribeToStreamOptions after(long revision) {
        return new SubscribeToStreamOptions(StreamRevision.of(revision), false);
    }

    public SubscribeToStreamOptions resolveLinks(boolean resolve) {
        return new SubscribeToStreamOptions(after, resolve);
    }
}
