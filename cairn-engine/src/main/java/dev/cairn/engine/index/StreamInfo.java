package dev.cairn.engine.index;

/**
 * What the index knows of a stream: its id, its last revision and whether it was tombstoned.
 *
 * @param id the stream's numeric id (assigned on first write, in log order)
 * @param lastRevision the revision of its last event, or -1 when it has none
 * @param tombstoned whether it was hard deleted
 */
public record StreamInfo(long id, long lastRevision, boolean tombstoned) {

    public StreamInfo withLastRevision(long revision) {
        return new StreamInfo(id, revision, tombstoned);
    }

    public StreamInfo tombstone() {
        return new StreamInfo(id, lastRevision, true);
    }
}
