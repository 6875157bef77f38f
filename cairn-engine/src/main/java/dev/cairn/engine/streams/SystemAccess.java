package dev.cairn.engine.streams;

import dev.cairn.api.Acl;
import dev.cairn.api.AppendRequest;
import dev.cairn.api.CairnException;
import dev.cairn.api.EventData;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.MultiAppendResult;
import dev.cairn.api.StreamName;
import dev.cairn.engine.CairnOptions;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine's own subsystems (security; later others) need from the store beyond the
 * public {@code EventStore} API: the stored access control lists and settings that authorization
 * evaluates, cheap version numbers to notice that a stream changed, and appends of the reserved
 * event types ({@code $UserCreated}, ...) that the public API refuses to users.
 *
 * <p>Not for applications: nothing here checks access. Thread-safe.
 */
public final class SystemAccess {

    private final StreamCatalog catalog;
    private final Writer writer;
    private final CairnOptions options;

    SystemAccess(StreamCatalog catalog, Writer writer, CairnOptions options) {
        this.catalog = catalog;
        this.writer = writer;
        this.options = options;
    }

    /** The {@code $acl} of a stream's metadata, or null when its metadata sets none. */
    public Acl streamAcl(StreamName stream) {
        StreamCatalog.Metadata meta = catalog.metadata(stream.value());
        return meta == null ? null : meta.value().acl();
    }

    /** The node-wide defaults from {@code $settings}. */
    public SystemSettings systemSettings() {
        return catalog.systemSettings();
    }

    /**
     * Where a stream stands: changes whenever the stream or its metadata is written, deleted or
     * tombstoned.
     *
     * @param lastRevision the revision of its last event, or -1
     * @param metadataRevision the revision of its metadata event in {@code $$stream}, or -1
     * @param tombstoned whether it was hard deleted
     */
    public record StreamVersion(long lastRevision, long metadataRevision, boolean tombstoned) {
    }

    /** Where the stream stands now; (-1, -1, false) for a stream never written and without metadata. */
    public StreamVersion version(StreamName stream) {
        StreamInfo info = catalog.info(stream.value());
        StreamCatalog.Metadata meta = stream.isMetadata() ? null : catalog.metadata(stream.value());
        return new StreamVersion(info == null ? -1 : info.lastRevision(), meta == null ? -1 : meta.revision(),
                info != null && info.tombstoned());
    }

    /** The revision of the stream's last event, or -1 when it has none. */
    public long lastRevision(StreamName stream) {
        StreamInfo info = catalog.info(stream.value());
        return info == null ? -1 : info.lastRevision();
    }

    /**
     * Appends atomically to several streams like {@code EventStore.appendAsync(List)}, allowing
     * reserved event types. Validates names and sizes like the public API.
     */
    public CompletableFuture<MultiAppendResult> appendAsync(List<AppendRequest> requests) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        try {
            if (requests.isEmpty()) {
                throw new InvalidArgumentException("an append needs at least one stream");
            }
            Set<String> seen = new HashSet<>();
            for (AppendRequest r : requests) {
                if (r.stream().isAll()) {
                    throw new InvalidArgumentException("$all is the global log: it cannot be written to");
                }
                if (r.events().isEmpty() || !seen.add(r.stream().value().toLowerCase(Locale.ROOT))) {
                    throw new InvalidArgumentException("each stream of an append needs events and may appear once");
                }
                for (EventData e : r.events()) {
                    long size = e.size() + 2L * e.type().value().length();
                    if (e.type().value().getBytes(StandardCharsets.UTF_8).length > RecordCodec.MAX_NAME_BYTES
                            || size > options.maxEventSize()) {
                        throw new InvalidArgumentException("system event " + e.type() + " is too large");
                    }
                }
            }
            long now = ChronoUnit.MICROS.between(Instant.EPOCH, options.clock().instant());
            writer.submit(new WriteRequest.Append(List.copyOf(requests), true, now, future));
        } catch (CairnException e) {
            future.completeExceptionally(e);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<MultiAppendResult> typed = (CompletableFuture<MultiAppendResult>) (CompletableFuture<?>) future;
        return typed;
    }
}
