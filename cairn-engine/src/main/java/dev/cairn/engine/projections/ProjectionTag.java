package dev.cairn.engine.projections;

import dev.cairn.api.Position;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KurrentDB's checkpoint tag, which a projection's checkpoints and everything it writes carry in
 * their metadata: {@code "$v":"<projection id>:<epoch>:<version>:4"} (the epoch is -1 until the
 * first reset) and the position in {@code $all}, {@code "$c"} and {@code "$p"}.
 */
final class ProjectionTag {

    private static final Pattern VERSION = Pattern.compile("\"\\$v\"\\s*:\\s*\"(-?\\d+):(-?\\d+):");
    private static final Pattern COMMIT = Pattern.compile("\"\\$c\"\\s*:\\s*(-?\\d+)");

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

    /** The commit position ({@code $c}) of the tag in {@code metadata}; -1 when it has none. */
    static long commitOf(byte[] metadata) {
        Matcher m = COMMIT.matcher(new String(metadata, StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Whether {@code metadata} carries the tag of projection {@code projectionId}. */
    static boolean writtenBy(byte[] metadata, long projectionId) {
        Matcher m = VERSION.matcher(new String(metadata, StandardCharsets.UTF_8));
        return m.find() && Long.parseLong(m.group(1)) == projectionId;
    }
}
