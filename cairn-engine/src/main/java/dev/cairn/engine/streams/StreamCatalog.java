package dev.cairn.engine.streams;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.engine.index.IndexEntry;
import dev.cairn.engine.index.StreamIndex;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.Log;
import dev.cairn.engine.log.LogRecord;
import java.util.Optional;

/**
 * Committed stream state for readers and the writer: stream info and parsed metadata, cached
 * (bounded, Caffeine) in front of the index and the log.
 *
 * <p>Thread-safe. The writer {@linkplain #committed updates} entries after each group is durable
 * and indexed; a concurrent load of the same key cannot overwrite that update with older state,
 * because Caffeine serializes them per key.
 */
public final class StreamCatalog {

    private final Log log;
    private final StreamIndex index;
    private final Cache<String, Optional<StreamInfo>> streams;
    private final Cache<String, Optional<Metadata>> metadata;
    /** The parsed {@code $settings} and the revision it came from; replaced when that moves. */
    private volatile Settings settings = new Settings(-1, SystemSettings.DEFAULT);

    private record Settings(long revision, SystemSettings value) {
    }

    /**
     * A stream's metadata and the revision of {@code $$stream} it came from.
     *
     * @param value the parsed metadata
     * @param revision the metadata stream's revision
     */
    public record Metadata(StreamMetadata value, long revision) {
        public boolean softDeleted() {
            return value.truncateBefore() != null && value.truncateBefore() == Long.MAX_VALUE;
        }
    }

    public StreamCatalog(Log log, StreamIndex index, long cacheSize) {
        this.log = log;
        this.index = index;
        // Maintenance runs on the calling thread: handing it to the common pool cost the writer a
        // thread wake-up on its hot path.
        this.streams = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
        this.metadata = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
    }

    public Log log() {
        return log;
    }

    public StreamIndex index() {
        return index;
    }

    /** The stream's committed state, or null when it was never written. */
    public StreamInfo info(String stream) {
        return streams.get(stream, s -> Optional.ofNullable(index.stream(s))).orElse(null);
    }

    /** The stream's committed metadata, or null when none was set. */
    public Metadata metadata(String stream) {
        return metadata.get(stream, this::loadMetadata).orElse(null);
    }

    private Optional<Metadata> loadMetadata(String stream) {
        if (StreamName.of(stream).isMetadata()) {
            return Optional.empty();
        }
        StreamInfo meta = index.stream("$$" + stream);
        if (meta == null || meta.lastRevision() < 0) {
            return Optional.empty();
        }
        IndexEntry entry = index.entry(meta.id(), meta.lastRevision());
        if (entry == null) {
            return Optional.empty();
        }
        LogRecord.Event event = (LogRecord.Event) log.read(entry.position());
        return Optional.of(new Metadata(parse(event), meta.lastRevision()));
    }

    /**
     * The node-wide default ACLs from the last event of {@code $settings} (its data, whatever its
     * type, as KurrentDB reads it); {@link SystemSettings#DEFAULT} when there is none. Cheap when
     * the stream has not moved: one cache lookup.
     */
    public SystemSettings systemSettings() {
        StreamInfo info = info(SETTINGS_STREAM);
        long revision = info == null || info.tombstoned() ? -1 : info.lastRevision();
        Settings current = settings;
        if (current.revision() == revision) {
            return current.value();
        }
        SystemSettings loaded = SystemSettings.DEFAULT;
        IndexEntry entry = revision < 0 ? null : index.entry(info.id(), revision);
        if (entry != null && log.read(entry.position()) instanceof LogRecord.Event event) {
            loaded = SystemSettings.parse(event.data());
        }
        settings = new Settings(revision, loaded);
        return loaded;
    }

    static final String SETTINGS_STREAM = "$settings";

    /** Metadata from a {@code $metadata} event: only a JSON event counts, whatever its type, as KurrentDB reads it. */
    static StreamMetadata parse(LogRecord.Event event) {
        if (!event.json()) {
            return StreamMetadata.EMPTY;
        }
        return MetadataCodec.parse(event.data());
    }

    /** Publishes a stream's new committed state (writer only). */
    void committed(String stream, StreamInfo info) {
        streams.put(stream, Optional.of(info));
        if (stream.startsWith("$$")) {
            metadata.invalidate(stream.substring(2));
        }
    }
}
