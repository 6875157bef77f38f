package dev.cairn.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.api.Acl;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.StreamMetadata;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream metadata to and from KurrentDB's JSON ({@code $maxCount}, {@code $maxAge}, {@code $tb},
 * {@code $cacheControl}, {@code $acl} and custom keys), read as leniently as KurrentDB and the
 * embedded store read it: values of 0 or less count as unset, and metadata of the wrong shape reads
 * as empty. The client's twin of the engine's codec: the client must not depend on the engine,
 * and the conformance suite checks that both read and write metadata alike. Thread-safe.
 */
final class MetadataJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataJson() {
    }

    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed() {
            super(null, null, false, false);
        }
    }

    static StreamMetadata parse(byte[] json) {
        if (json.length == 0) {
            return StreamMetadata.EMPTY;
        }
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                return StreamMetadata.EMPTY;
            }
            Long maxCount = null;
            Duration maxAge = null;
            Long truncateBefore = null;
            Duration cacheControl = null;
            Acl acl = null;
            Map<String, Object> custom = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : root.properties()) {
                JsonNode v = f.getValue();
                switch (f.getKey()) {
                    case "$maxCount" -> maxCount = positive(v);
                    case "$maxAge" -> maxAge = seconds(v);
                    case "$tb" -> truncateBefore = nonNegative(v);
                    case "$cacheControl" -> cacheControl = seconds(v);
                    case "$acl" -> acl = acl(v);
                    default -> {
                        if (!f.getKey().startsWith("$")) {
                            custom.put(f.getKey(), JSON.treeToValue(v, Object.class));
                        }
                    }
                }
            }
            return new StreamMetadata(maxCount, maxAge, truncateBefore, cacheControl, acl, custom);
        } catch (IOException | Malformed | InvalidArgumentException e) {
            return StreamMetadata.EMPTY;
        }
    }

    private static Long positive(JsonNode v) {
        long n = integer(v);
        return n > 0 ? n : null;
    }

    private static Long nonNegative(JsonNode v) {
        long n = integer(v);
        return n >= 0 ? n : null;
    }

    private static Duration seconds(JsonNode v) {
        long n = integer(v);
        return n > 0 ? Duration.ofSeconds(n) : null;
    }

    private static long integer(JsonNode v) {
        if (v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Malformed();
        }
        return v.asLong();
    }

    private static Acl acl(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new Malformed();
        }
        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : v.properties()) {
            if (!List.of("$r", "$w", "$d", "$mr", "$mw").contains(f.getKey())) {
                throw new Malformed();
            }
            lists.put(f.getKey(), roles(f.getValue()));
        }
        return new Acl(lists.get("$r"), lists.get("$w"), lists.get("$d"), lists.get("$mr"), lists.get("$mw"));
    }

    private static List<String> roles(JsonNode v) {
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new Malformed();
        }
        List<String> roles = new ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isTextual()) {
                throw new Malformed();
            }
            roles.add(n.asText());
        }
        return roles;
    }

    static byte[] write(StreamMetadata m) {
        ObjectNode root = JSON.createObjectNode();
        if (m.maxCount() != null) {
            root.put("$maxCount", m.maxCount());
        }
        if (m.maxAge() != null) {
            root.put("$maxAge", m.maxAge().toSeconds());
        }
        if (m.truncateBefore() != null) {
            root.put("$tb", m.truncateBefore());
        }
        if (m.cacheControl() != null) {
            root.put("$cacheControl", m.cacheControl().toSeconds());
        }
        if (m.acl() != null) {
            ObjectNode acl = root.putObject("$acl");
            roles(acl, "$r", m.acl().read());
            roles(acl, "$w", m.acl().write());
            roles(acl, "$d", m.acl().delete());
            roles(acl, "$mr", m.acl().metaRead());
            roles(acl, "$mw", m.acl().metaWrite());
        }
        for (Map.Entry<String, Object> e : m.custom().entrySet()) {
            root.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("metadata cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    private static void roles(ObjectNode acl, String key, List<String> roles) {
        if (roles == null) {
            return;
        }
        if (roles.size() == 1) {
            acl.put(key, roles.get(0));
        } else {
            ArrayNode array = acl.putArray(key);
            roles.forEach(array::add);
        }
    }
}
