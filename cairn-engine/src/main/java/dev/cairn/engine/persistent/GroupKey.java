package dev.cairn.engine.persistent;

import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.StreamName;
import java.util.Objects;

/**
 * Names a persistent subscription group: its source (a stream, or {@code $all}) and its name. The
 * id and the names of the group's system streams are KurrentDB's, so that data written by either
 * reads the same.
 *
 * @param source the stream, or {@code $all}
 * @param group the group's name, non-empty
 */
record GroupKey(StreamName source, String group) implements Comparable<GroupKey> {

    GroupKey {
        Objects.requireNonNull(source, "source stream must be given");
        if (group == null || group.isEmpty()) {
            throw new InvalidArgumentException("group name must not be empty");
        }
    }

    /** KurrentDB's subscription id: {@code stream::group}. */
    String id() {
        return source.value() + "::" + group;
    }

    /** Where the group's checkpoints are written. */
    StreamName checkpointStream() {
        return StreamName.of("$persistentsubscription-" + id() + "-checkpoint");
    }

    /** Where the group's parked messages are linked. */
    StreamName parkedStream() {
        return StreamName.of("$persistentsubscription-" + id() + "-parked");
    }

    @Override
    public int compareTo(GroupKey o) {
        int c = source.compareTo(o.source);
        return c != 0 ? c : group.compareTo(o.group);
    }

    @Override
    public String toString() {
        return id();
    }
}
