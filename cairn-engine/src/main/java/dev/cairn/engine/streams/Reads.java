package dev.cairn.engine.streams;

import dev.cairn.api.ContentType;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.engine.index.IndexEntry;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What reads share: turning log records into API events, the visibility rules of stream metadata
 * ({@code $tb}, {@code $maxCount}, {@code $maxAge}; metadata streams read as if {@code $maxCount}
 * were 1), and link resolution. Thread-safe.
 */
final class Reads {

    private final StreamCatalog catalog;
    private final Clock clock;

    Reads(StreamCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    StreamCatalog catalog() {
        return catalog;
    }

    static RecordedEvent toRecorded(LogRecord.Event e) {
        return new RecordedEvent(StreamName.of(e.stream()), e.revision(), e.id(), EventType.of(e.type()),
                e.json() ? ContentType.JSON : ContentType.BINARY, e.data(), e.metadata(),
                Instant.EPOCH.plus(e.createdMicros(), ChronoUnit.MICROS), Position.of(e.position(), e.position()));
    }

    /**
     * The readable range of a stream: its first visible revision (inclusive) and the oldest creation
     * time still visible (or {@code Long.MIN_VALUE}).
     *
     * @param firstRevision first revision not hidden by {@code $tb} or {@code $maxCount}
     * @param minCreatedMicros events created before this are hidden by {@code $maxAge}
     * @param softDeleted whether the stream is soft deleted ({@code $tb} = max): nothing is readable
     */
    record Visibility(long firstRevision, long minCreatedMicros, boolean softDeleted) {
        boolean visible(LogRecord.Event e) {
            return !softDeleted && e.revision() >= firstRevision && e.createdMicros() >= minCreatedMicros;
        }
    }

    Visibility visibility(StreamName stream, StreamInfo info) {
        long last = info.lastRevision();
        if (stream.isMetadata()) {
            return new Visibility(last, Long.MIN_VALUE, false);
        }
        StreamCatalog.Metadata meta = catalog.metadata(stream.value());
        if (meta == null) {
            return new Visibility(0, Long.MIN_VALUE, false);
        }
        if (meta.softDeleted()) {
            return new Visibility(Long.MAX_VALUE, Long.MIN_VALUE, true);
        }
        long first = 0;
        if (meta.value().truncateBefore() != null) {
            first = Math.max(first, meta.value().truncateBefore());
        }
        if (meta.value().maxCount() != null) {
            first = Math.max(first, last - meta.value().maxCount() + 1);
        }
        long minCreated = Long.MIN_VALUE;
        if (meta.value().maxAge() != null) {
            Instant oldest = clock.instant().minus(meta.value().maxAge());
            minCreated = ChronoUnit.MICROS.between(Instant.EPOCH, oldest);
        }
        return new Visibility(first, minCreated, false);
    }

    /** Wraps a record read, resolving it if it is a link and {@code resolve} is set. */
    ResolvedEvent resolve(LogRecord.Event e, boolean resolve) {
        RecordedEvent recorded = toRecorded(e);
        if (!resolve || !e.type().equals(EventType.LINK.value())) {
            return ResolvedEvent.of(recorded);
        }
        String target = new String(e.data(), StandardCharsets.UTF_8);
        int at = target.indexOf('@');
        long revision;
        StreamName stream;
        try {
            revision = Long.parseLong(target.substring(0, at));
            stream = StreamName.of(target.substring(at + 1));
        } catch (RuntimeException malformed) {
            return ResolvedEvent.of(recorded);
        }
        LogRecord.Event resolved = readOne(stream, revision);
        return new ResolvedEvent(resolved == null ? null : toRecorded(resolved), recorded);
    }

    /** The event at {@code revision} of {@code stream} if it exists and is visible, else null. */
    LogRecord.Event readOne(StreamName stream, long revision) {
        StreamInfo info = catalog.info(stream.value());
        if (info == null || info.tombstoned() || revision < 0 || revision > info.lastRevision()) {
            return null;
        }
        Visibility visibility = visibility(stream, info);
        IndexEntry entry = catalog.index().entry(info.id(), revision);
        if (entry == null || entry.position() >= catalog.log().committedEnd()) {
            return null;
        }
        LogRecord.Event event = (LogRecord.Event) catalog.log().read(entry.position());
        return visibility.visible(event) ? event : null;
    }
}
