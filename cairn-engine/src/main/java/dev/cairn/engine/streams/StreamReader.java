package dev.cairn.engine.streams;

import dev.cairn.api.EventIterator;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.ReadDirection;
import dev.cairn.api.ReadStreamOptions;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamDeletedException;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamNotFoundException;
import dev.cairn.engine.index.IndexEntry;
import dev.cairn.engine.index.StreamInfo;
import dev.cairn.engine.log.LogRecord;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads one stream through the index, a page at a time, applying its metadata. Never returns an
 * event at or past the committed end it saw when the read began. Thread-safe; each read is its own
 * iterator.
 */
public final class StreamReader {

    private static final int PAGE = 512;

    private final Reads reads;

    StreamReader(Reads reads) {
        this.reads = reads;
    }

    /**
     * Starts a read. Fails at once with {@link StreamDeletedException} (tombstoned) or
     * {@link StreamNotFoundException} (never written, or soft deleted).
     */
    public EventIterator read(StreamName stream, ReadStreamOptions options) {
        if (stream.isAll()) {
            throw new InvalidArgumentException("$all is not a stream: read it with readAll");
        }
        StreamCatalog catalog = reads.catalog();
        long committed = catalog.log().committedEnd();
        if (stream.isMetadata()) {
            StreamInfo base = catalog.info(stream.metadataOf().value());
            if (base != null && base.tombstoned()) {
                throw new StreamDeletedException(stream);
            }
        }
        StreamInfo info = catalog.info(stream.value());
        if (info != null && info.tombstoned()) {
            throw new StreamDeletedException(stream);
        }
        if (info == null || info.lastRevision() < 0) {
            throw new StreamNotFoundException(stream);
        }
        Reads.Visibility visibility = reads.visibility(stream, info);
        if (visibility.softDeleted()) {
            throw new StreamNotFoundException(stream);
        }
        boolean forwards = options.direction() == ReadDirection.FORWARDS;
        long last = info.lastRevision();
        long from = options.from().value();
        long start;
        long end;
        if (forwards) {
            start = Long.compareUnsigned(from, last) > 0 ? last + 1 : Math.max(from, visibility.firstRevision());
            end = last;
        } else {
            start = options.from().isEnd() || Long.compareUnsigned(from, last) > 0 ? last : from;
            end = visibility.firstRevision();
        }
        return new Iterator(info.id(), start, end, forwards, options.maxCount(), options.resolveLinks(), visibility,
                committed);
    }

    private final class Iterator implements EventIterator {
        private final long streamId;
        private final long end;
        private final boolean forwards;
        private final boolean resolve;
        private final Reads.Visibility visibility;
        private final long committed;
        private final ArrayDeque<ResolvedEvent> page = new ArrayDeque<>();
        private long next;
        private long remaining;
        private boolean exhausted;

        Iterator(long streamId, long start, long end, boolean forwards, long maxCount, boolean resolve,
                Reads.Visibility visibility, long committed) {
            this.streamId = streamId;
            this.next = start;
            this.end = end;
            this.forwards = forwards;
            this.remaining = maxCount;
            this.resolve = resolve;
            this.visibility = visibility;
            this.committed = committed;
            this.exhausted = forwards ? start > end : start < end;
        }

        @Override
        public boolean hasNext() {
            while (page.isEmpty() && !exhausted && remaining > 0) {
                fill();
            }
            return !page.isEmpty() && remaining > 0;
        }

        private void fill() {
            List<IndexEntry> entries = reads.catalog().index().entries(streamId, next, end, PAGE, forwards);
            if (entries.size() < PAGE) {
                exhausted = true;
            }
            for (IndexEntry entry : entries) {
                next = forwards ? entry.revision() + 1 : entry.revision() - 1;
                if (entry.position() >= committed) {
                    exhausted = true;
                    break;
                }
                LogRecord.Event event = (LogRecord.Event) reads.catalog().log().read(entry.position());
                if (visibility.visible(event)) {
                    page.add(reads.resolve(event, resolve));
                }
            }
            if (entries.isEmpty() || (forwards ? next > end : next < end)) {
                exhausted = true;
            }
        }

        @Override
        public ResolvedEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            remaining--;
            return page.poll();
        }

        @Override
        public void close() {
            page.clear();
            exhausted = true;
        }
    }
}
