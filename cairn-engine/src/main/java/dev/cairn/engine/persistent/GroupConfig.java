package dev.cairn.engine.persistent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.api.ConsumerStrategy;
import dev.cairn.api.EventFilter;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.StreamName;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of every group, as one JSON document: the data of a {@code $PersistentConfig}
 * event in {@code $persistentSubscriptionConfig}, in KurrentDB's format (its
 * {@code PersistentSubscriptionConfig}, camel case):
 *
 * <pre>{@code
 * {"version": "2", "updated": "<ISO time>", "updatedBy": "<user>",
 *  "entries": [{"stream": "orders", "group": "g", "filter": null, "resolveLinkTos": false,
 *               "extraStatistics": false, "messageTimeout": 30000, "startFrom": 0, "startPosition": "0",
 *               "liveBufferSize": 500, "historyBufferSize": 500, "maxRetryCount": 10, "readBatchSize": 20,
 *               "preferRoundRobin": false, "checkPointAfter": 2000, "minCheckPointCount": 10,
 *               "maxCheckPointCount": 1000, "maxSubscriberCount": 0, "namedConsumerStrategy": "RoundRobin"}]}
 * }</pre>
 *
 * A {@code $all} group's entry has stream {@code $all}, a {@code C:commit/P:prepare} start position
 * and its filter as {@code {"context": "eventtype"|"streamid", "type": "prefix"|"regex", "data":
 * "<comma-separated prefixes, or the regex>", "isAllStream": true}}. Times are milliseconds. Reading
 * is lenient as KurrentDB's is: keys in any case, absent values are 0/false/null. Entries Cairn
 * cannot use are kept as they are and written back unchanged, so that no group is lost. Stateless.
 */
final class GroupConfig {

    private static final Logger LOG = LoggerFactory.getLogger(GroupConfig.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One group's configuration. */
    record Entry(GroupKey key, EventFilter filter, PersistentSubscriptionSettings settings) {
    }

    /** What a configuration document held: the entries Cairn runs, and the ones it only keeps. */
    record Document(List<Entry> entries, List<JsonNode> unusable) {
        static final Document EMPTY = new Document(List.of(), List.of());
    }

    private GroupConfig() {
    }

    static byte[] write(Document document, String updatedBy, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "2");
        root.put("updated", now.toString());
        root.put("updatedBy", updatedBy);
        ArrayNode entries = root.putArray("entries");
        for (Entry e : document.entries()) {
            entries.add(write(e));
        }
        document.unusable().forEach(entries::add);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the persistent subscription configuration", e);
        }
    }

    private static ObjectNode write(Entry e) {
        PersistentSubscriptionSettings s = e.settings();
        GroupSource source = e.key().source().isAll() ? new GroupSource.ToAll(e.filter())
                : new GroupSource.ToStream(e.key().source());
        ObjectNode n = JSON.createObjectNode();
        n.put("stream", e.key().source().value());
        n.put("group", e.key().group());
        if (e.filter() != null) {
            ObjectNode f = n.putObject("filter");
            f.put("context", e.filter().target() == EventFilter.Target.EVENT_TYPE ? "eventtype" : "streamid");
            f.put("type", e.filter().regex() != null ? "regex" : "prefix");
            f.put("data", e.filter().regex() != null ? e.filter().regex() : String.join(",", e.filter().prefixes()));
            f.put("isAllStream", true);
        } else {
            n.putNull("filter");
        }
        n.put("resolveLinkTos", s.resolveLinks());
        n.put("extraStatistics", s.extraStatistics());
        n.put("messageTimeout", s.messageTimeout().toMillis());
        String start = source.format(s.startFrom());
        // KurrentDB's obsolete numeric start: the revision for a stream, long.MinValue for $all
        n.put("startFrom", e.key().source().isAll() ? Long.MIN_VALUE : Long.parseLong(start));
        n.put("startPosition", start);
        n.put("liveBufferSize", s.liveBufferSize());
        n.put("historyBufferSize", s.historyBufferSize());
        n.put("maxRetryCount", s.maxRetryCount());
        n.put("readBatchSize", s.readBatchSize());
        n.put("preferRoundRobin", s.consumerStrategy() == ConsumerStrategy.ROUND_ROBIN);
        n.put("checkPointAfter", s.checkpointAfter().toMillis());
        n.put("minCheckPointCount", s.minCheckpointCount());
        n.put("maxCheckPointCount", s.maxCheckpointCount());
        n.put("maxSubscriberCount", s.maxSubscriberCount());
        n.put("namedConsumerStrategy", s.consumerStrategy().wireName());
        return n;
    }

    /** Parses a configuration document; an unreadable document is logged and reads as empty. */
    static Document read(byte[] data) {
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (IOException e) {
            LOG.error("the persistent subscription configuration is not JSON; no group is started", e);
            return Document.EMPTY;
        }
        Map<String, JsonNode> top = fields(root);
        JsonNode entries = top.get("entries");
        String version = text(top, "version");
        List<Entry> usable = new ArrayList<>();
        List<JsonNode> unusable = new ArrayList<>();
        if (entries != null && entries.isArray()) {
            for (JsonNode node : entries) {
                try {
                    usable.add(read(fields(node), "1".equals(version)));
                } catch (RuntimeException e) {
                    LOG.error("persistent subscription configuration entry {} cannot be used ({}); it is kept but not started",
                            node, e.getMessage());
                    unusable.add(node);
                }
            }
        }
        return new Document(usable, unusable);
    }

    private static Entry read(Map<String, JsonNode> n, boolean version1) {
        StreamName stream = StreamName.of(text(n, "stream"));
        GroupKey key = new GroupKey(stream, text(n, "group"));
        EventFilter filter = readFilter(n.get("filter"));
        GroupSource source = stream.isAll() ? new GroupSource.ToAll(filter) : new GroupSource.ToStream(stream);
        String startText = text(n, "startPosition");
        if (startText == null) {
            startText = Long.toString(number(n, "startFrom"));
        }
        String strategyName = text(n, "namedConsumerStrategy");
        if (strategyName == null || strategyName.isEmpty()) {
            // version 1 had only a round robin flag
            strategyName = version1 && bool(n, "preferRoundRobin") ? "RoundRobin" : "DispatchToSingle";
        }
        PersistentSubscriptionSettings settings = new PersistentSubscriptionSettings(source.parseStart(startText),
                bool(n, "resolveLinkTos"), bool(n, "extraStatistics"), Duration.ofMillis(number(n, "messageTimeout")),
                (int) number(n, "maxRetryCount"), Duration.ofMillis(number(n, "checkPointAfter")),
                (int) number(n, "minCheckPointCount"), (int) number(n, "maxCheckPointCount"),
                (int) number(n, "maxSubscriberCount"), (int) number(n, "liveBufferSize"),
                (int) number(n, "readBatchSize"), (int) number(n, "historyBufferSize"),
                ConsumerStrategy.ofName(strategyName));
        return new Entry(key, stream.isAll() ? filter : null, settings);
    }

    private static EventFilter readFilter(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        Map<String, JsonNode> f = fields(node);
        String context = String.valueOf(text(f, "context")).toLowerCase(Locale.ROOT);
        String type = String.valueOf(text(f, "type")).toLowerCase(Locale.ROOT);
        String data = text(f, "data");
        EventFilter.Target target = switch (context) {
            case "eventtype" -> EventFilter.Target.EVENT_TYPE;
            case "streamid" -> EventFilter.Target.STREAM_NAME;
            default -> throw new IllegalArgumentException("unknown filter context '" + context + "'");
        };
        return switch (type) {
            case "regex" -> new EventFilter(target, List.of(), data);
            case "prefix" -> new EventFilter(target, Arrays.asList(data.split(",", -1)), null);
            default -> throw new IllegalArgumentException("filter type '" + type + "' is not supported");
        };
    }

    /** The object's fields by lower-case name (KurrentDB reads keys in any case). */
    private static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> map = new HashMap<>();
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        return map;
    }

    private static String text(Map<String, JsonNode> n, String key) {
        JsonNode v = n.get(key.toLowerCase(Locale.ROOT));
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long number(Map<String, JsonNode> n, String key) {
        JsonNode v = n.get(key.toLowerCase(Locale.ROOT));
        return v == null || v.isNull() ? 0 : v.asLong();
    }

    private static boolean bool(Map<String, JsonNode> n, String key) {
        JsonNode v = n.get(key.toLowerCase(Locale.ROOT));
        return v != null && v.asBoolean();
    }
}
