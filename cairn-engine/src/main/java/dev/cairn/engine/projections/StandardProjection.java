package dev.cairn.engine.projections;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.ContentType;
import dev.cairn.api.EventData;
import dev.cairn.api.EventType;
import dev.cairn.api.Position;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.StreamMetadata;
import dev.cairn.api.StreamName;
import dev.cairn.engine.streams.MetadataCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KurrentDB's standard (system) projections: each reads {@code $all} and writes links that index
 * it by category, event type or stream. The rules are KurrentDB's, event for event:
 *
 * <ul>
 *   <li>Events of system streams (names starting with {@code $}) are not looked at, except those of
 *       the metadata stream ({@code $$name}) of a non-system stream, which is how a soft delete
 *       ({@code $tb} set to the largest revision) is seen. A tombstone is the {@code $streamDeleted}
 *       event in the stream itself.
 *   <li>A stream's category is its name before the first {@code -}; a name that starts with
 *       {@code $} or has no {@code -} after its first character has none. That is the default:
 *       a projection's {@link StandardConfig} can name another separator, or its last occurrence.
 *   <li>{@code $by_category}: every event of a stream with a category, links included (the link
 *       is copied), gets a link in {@code $ce-<category>}; a deletion gets one too, marked
 *       {@code "$deleted": -1}.
 *   <li>{@code $by_event_type}: every event that is not a link gets a link in
 *       {@code $et-<event type>}; a deletion goes to {@code $et-$deleted}.
 *   <li>{@code $streams}: the first event of every stream gets a link in {@code $streams}.
 *   <li>{@code $stream_by_category}: the first event of every stream with a category puts the
 *       stream's name ({@code $@}, a stream reference) in {@code $category-<category>}.
 *   <li>{@code $by_correlation_id}: every event that is not a link and whose metadata is a JSON
 *       object with a {@code $correlationId} (or the property its {@link StandardConfig} names; a
 *       string, or a number taken as its text) gets a link in
 *       {@code $bc-<correlation id>}, with the event's time as {@code $eventTimestamp}.
 * </ul>
 *
 * <p>Each link's metadata is KurrentDB's: the projection's version ({@code $v}), the source
 * event's position ({@code $c}, {@code $p}), the source event's id ({@code $causedBy}) and, for
 * {@code $by_category}, the stream it came from ({@code $o}).
 */
public enum StandardProjection {

    BY_CATEGORY("$by_category", true) {
        @Override
        void emit(Source e, StandardWork work, List<Emitted> out) {
            boolean deleted = e.isDeletion();
            String stream = deleted ? e.deletedStream() : e.stream();
            String category = work.config().categoryOf(stream);
            if (category == null) {
                return;
            }
            String target = e.isLink() ? e.dataAsString() : e.revision() + "@" + e.stream();
            StringBuilder extra = new StringBuilder(",\"$o\":").append(quote(stream));
            if (deleted) {
                extra.append(",\"$deleted\":-1");
            }
            link(work, out, "$ce-" + category, EventType.LINK, target, e, extra);
        }
    },

    BY_EVENT_TYPE("$by_event_type", false) {
        @Override
        void emit(Source e, StandardWork work, List<Emitted> out) {
            if (e.isDeletion()) {
                link(work, out, "$et-$deleted", EventType.LINK, e.revision() + "@" + e.deletedStream(), e,
                        new StringBuilder(",\"$deleted\":-1"));
            } else {
                // KurrentDB names a metadata event's stream without its "$$" here, so its link points
                // at another stream's event; Cairn's points at the metadata event itself
                link(work, out, "$et-" + e.type(), EventType.LINK, e.revision() + "@" + e.stream(), e, null);
            }
        }
    },

    STREAMS("$streams", true) {
        @Override
        void emit(Source e, StandardWork work, List<Emitted> out) {
            if (e.revision() == 0) {
                link(work, out, "$streams", EventType.LINK, "0@" + e.stream(), e, null);
            }
        }
    },

    STREAM_BY_CATEGORY("$stream_by_category", true) {
        @Override
        void emit(Source e, StandardWork work, List<Emitted> out) {
            String category = e.revision() == 0 ? work.config().categoryOf(e.stream()) : null;
            if (category != null) {
                link(work, out, "$category-" + category, STREAM_REFERENCE, e.stream(), e, null);
            }
        }
    },

    BY_CORRELATION_ID("$by_correlation_id", false) {
        @Override
        void emit(Source e, StandardWork work, List<Emitted> out) {
            if (e.correlationId() != null) {
                StringBuilder timestamp = new StringBuilder(",\"$eventTimestamp\":\"")
                        .append(TIMESTAMP.format(e.created())).append('"');
                link(work, out, "$bc-" + e.correlationId(), EventType.LINK, e.revision() + "@" + e.stream(), e,
                        timestamp);
            }
        }

        @Override
        boolean readsCorrelationIds() {
            return true;
        }
    };

    /** KurrentDB's {@code $eventTimestamp}: UTC, to the microsecond. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(StandardProjection.class);

    /** The event type of a stream reference, whose data is a stream's name. */
    static final EventType STREAM_REFERENCE = EventType.of("$@");

    private final String projectionName;
    private final boolean includeLinks;

    StandardProjection(String projectionName, boolean includeLinks) {
        this.projectionName = projectionName;
        this.includeLinks = includeLinks;
    }

    /** KurrentDB's name for it, such as {@code $by_category}. */
    public String projectionName() {
        return projectionName;
    }

    /** The stream its checkpoints go to, KurrentDB's {@code $projections-<name>-checkpoint}. */
    public StreamName checkpointStream() {
        return StreamName.of("$projections-" + projectionName + "-checkpoint");
    }

    /** Adds to {@code out} the links this event produces, if it passes the projection's source filter. */
    void process(Source e, StandardWork work, List<Emitted> out) {
        if (passes(e)) {
            emit(e, work, out);
        }
    }

    abstract void emit(Source e, StandardWork work, List<Emitted> out);

    /** Whether its {@link Source}s must carry the correlation id from the event's metadata. */
    boolean readsCorrelationIds() {
        return false;
    }

    private boolean passes(Source e) {
        if (!includeLinks && e.isLink()) {
            return false;
        }
        String stream = e.stream();
        return !isSystem(stream) || isMetadataStream(stream) && !isSystem(stream.substring(2));
    }

    static boolean isSystem(String stream) {
        return stream.startsWith("$");
    }

    static boolean isMetadataStream(String stream) {
        return stream.startsWith("$$");
    }

    /**
     * Adds a link to {@code stream}, unless that name is longer than a stream name may be (an event
     * type or correlation id can be): such an event is logged and not indexed, rather than stopping
     * the projection for good.
     */
    void link(StandardWork work, List<Emitted> out, String stream, EventType type, String data, Source cause,
            StringBuilder extra) {
        // a char is at most 3 bytes of UTF-8, so only a long name needs encoding to tell
        if (stream.length() > StreamName.MAX_BYTES / 3
                && stream.getBytes(StandardCharsets.UTF_8).length > StreamName.MAX_BYTES) {
            LOG.warn("{} skips the event {}@{}: the stream it would link it to has a name longer than {} bytes",
                    projectionName, cause.revision(), cause.stream(), StreamName.MAX_BYTES);
            return;
        }
        StringBuilder metadata = work.openTag(cause.position());
        if (extra != null) {
            metadata.append(extra);
        }
        metadata.append(",\"$causedBy\":\"").append(cause.id()).append("\"}");
        out.add(new Emitted(StreamName.of(stream), new EventData(UUID.randomUUID(), type, ContentType.BINARY,
                data.getBytes(StandardCharsets.UTF_8), metadata.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /** A JSON string literal. */
    static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    /**
     * An event a projection writes (a link, an emitted event, a state, a result): its stream and the
     * event, or, with {@code linkTarget}, a link to another event of the same write, whose revision
     * is known only as the write is made: the runner fills in the link's data.
     */
    record Emitted(StreamName stream, EventData event, Emitted linkTarget) {

        Emitted(StreamName stream, EventData event) {
            this(stream, event, null);
        }

        /** A link in {@code stream} to {@code target}, written in the same write, with {@code metadata}. */
        static Emitted linkTo(StreamName stream, Emitted target, byte[] metadata) {
            return new Emitted(stream, new EventData(UUID.randomUUID(), EventType.LINK, ContentType.BINARY, new byte[0],
                    metadata), target);
        }

        /** This link, to the event at {@code revision} of its target's stream. */
        EventData resolved(long revision) {
            return new EventData(event.id(), EventType.LINK, ContentType.BINARY,
                    (revision + "@" + linkTarget.stream().value()).getBytes(StandardCharsets.UTF_8), event.metadata());
        }
    }

    /**
     * What the projections need of a source event. The data is kept only where a rule reads it (a
     * link's target, a metadata event's {@code $tb}), so a queue of these stays small whatever the
     * events carry.
     */
    record Source(String stream, long revision, UUID id, String type, byte[] data, Position position,
            Instant created, String correlationId) {

        /**
         * What {@code projection} needs of {@code e}; {@code $by_correlation_id} reads the
         * correlation id from the metadata's {@code correlationProperty}, whose quoted name,
         * {@code correlationNeedle}, tells at a glance whether a parse is needed.
         */
        static Source of(RecordedEvent e, StandardProjection projection, String correlationProperty,
                byte[] correlationNeedle) {
            String stream = e.stream().value();
            String type = e.type().value();
            boolean needsData = type.equals(EventType.LINK.value())
                    || type.equals(EventType.METADATA.value()) && isMetadataStream(stream);
            String correlationId = projection.readsCorrelationIds()
                    ? correlationId(e.metadata(), correlationProperty, correlationNeedle) : null;
            return new Source(stream, e.revision(), e.id(), type, needsData ? e.data() : null, e.position(),
                    e.created(), correlationId);
        }

        /** The metadata's {@code property}, a string or a number, else null (not JSON, absent, other). */
        private static String correlationId(byte[] metadata, String property, byte[] needle) {
            if (metadata.length == 0 || indexOf(metadata, needle) < 0) {
                return null; // most events have none: no parse
            }
            try {
                JsonNode value = JSON.readTree(metadata).get(property);
                return value != null && (value.isTextual() || value.isNumber()) ? value.asText() : null;
            } catch (IOException | RuntimeException notJson) {
                return null;
            }
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i <= haystack.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        boolean isLink() {
            return type.equals(EventType.LINK.value());
        }

        String dataAsString() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /** A tombstone, or a soft delete: metadata whose {@code $tb} is the largest revision. */
        boolean isDeletion() {
            if (isMetadataStream(stream)) {
                if (!type.equals(EventType.METADATA.value())) {
                    return false;
                }
                try {
                    StreamMetadata metadata = MetadataCodec.parse(data);
                    return metadata.truncateBefore() != null && metadata.truncateBefore() == Long.MAX_VALUE;
                } catch (RuntimeException malformed) {
                    return false;
                }
            }
            return type.equals(EventType.STREAM_DELETED.value());
        }

        /** The stream a deletion deletes: this one, or the one whose metadata this is. */
        String deletedStream() {
            return isMetadataStream(stream) ? stream.substring(2) : stream;
        }
    }
}
