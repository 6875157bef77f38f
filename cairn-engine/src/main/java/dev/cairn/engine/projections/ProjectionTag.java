package dev.cairn.engine.projections;

import dev.cairn.api.EventIterator;
import dev.cairn.api.EventStore;
import dev.cairn.api.Position;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KurrentDB's checkpoint tag, which a projection's checkpoints and everything it writes carry in
 * their metadata: {@code "$v":"<projection id>:<epoch>:<version>:4"} (the epoch is -1 until the
 * first reset) and the position in {@code $all}, {@code "$c"} and {@code "$p"}. The tagged
 * events that matter are the last of their streams, so reading that one is here too.
 */
final class ProjectionTag {

    private static final Pattern VERSION = Pattern.compile("\"\\$v\"\\s*:\\s*\"(-?\\d+):(-?\\d+):");
    private static final Pattern POSITION =
            Pattern.compile("\"\\$c\"\\s*:\\s*(-?\\d+)\\s*,\\s*\"\\$p\"\\s*:\\s*(-?\\d+)");

    private ProjectionTag() {
    }

    /** The tag, open for more members. */
    static StringBuilder open(long projectionId, long epoch, long version, Position position) {
        return new StringBuilder(160).append("{\"$v\":\"").append(projectionId).append(':')
                .append(epoch == 0 ? -1 : epoch).append(':').append(version).append(":4\",\"$c\":")
                .append(position.commit()).append(",\"$p\":").append(position.prepare());
    }

    /** The epoch of the tag in {@code metadata}: 0 when it has none, or was written before any reset. */
    static long epochOf(byte[] metadata) {
        Matcher m = VERSION.matcher(new String(metadata, StandardCharsets.UTF_8));
        return m.find() ? Math.max(0, Long.parseLong(m.group(2))) : 0;
    }

    /** The position ({@code $c}, {@code $p}) of the tag in {@code metadata}; null when it has none. */
    static Position positionOf(byte[] metadata) {
        Matcher m = POSITION.matcher(new String(metadata, StandardCharsets.UTF_8));
        return m.find() ? Position.of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))) : null;
    }

    /**
     * The last event of {@code stream}, or null when it has none (never written, deleted). What a
     * projection keeps (checkpoints, states, definitions) is the last event of its stream.
     */
    static RecordedEvent lastEvent(EventStore store, StreamName stream) {
        try (EventIterator it = store.readStream(stream, ReadStreamOptions.backwards().maxCount(1))) {
            return it.hasNext() ? it.next().originalEvent() : null;
        } catch (StreamNotFoundException | StreamDeletedException none) {
            return null;
        }
    }

    /** Whether {@code metadata} carries the tag of projection {@code projectionId}. */
    static boolean writtenBy(byte[] metadata, long projectionId) {
        Matcher m = VERSION.matcher(new String(metadata, StandardCharsets.UTF_8));
        return m.find() && Long.parseLong(m.group(1)) == projectionId;
    }
}
