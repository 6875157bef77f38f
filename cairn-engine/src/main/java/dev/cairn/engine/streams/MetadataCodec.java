package dev.cairn.engine.streams;

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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream metadata to and from KurrentDB's JSON: {@code $maxCount}, {@code $tb} (integers),
 * {@code $maxAge}, {@code $cacheControl} (integer seconds), {@code $acl} (object of {@code $r $w $d
 * $mr $mw}, each a string or an array of strings), plus custom keys kept as given.
 *
 * <p>Reading is lenient the way KurrentDB is: values of 0 or less count as unset, and metadata of
 * the wrong shape reads as empty rather than failing reads of the stream. Thread-safe.
 */
public final class MetadataCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataCodec() {
    }

    /** Parses stored metadata; anything malformed reads as {@link StreamMetadata#EMPTY}. */
    public static StreamMetadata parse(byte[] json) {
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
            Long tb = null;
            Duration cache = null;
            Acl acl = null;
            Map<String, Object> custom = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                switch (f.getKey()) {
                    case "$maxCount" -> maxCount = positive(v);
                    case "$maxAge" -> maxAge = seconds(v);
                    case "$tb" -> tb = nonNegative(v);
                    case "$cacheControl" -> cache = seconds(v);
                    case "$acl" -> acl = acl(v);
                    default -> {
                        if (!f.getKey().startsWith("$")) {
                            custom.put(f.getKey(), JSON.treeToValue(v, Object.class));
                        }
                    }
                }
            }
            return new StreamMetadata(maxCount, maxAge, tb, cache, acl, custom);
        } catch (IOException | MalformedMetadata | InvalidArgumentException e) {
            return StreamMetadata.EMPTY;
        }
    }

    private static final class MalformedMetadata extends RuntimeException {
        private static final long serialVersionUID = 1L;
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
            throw new MalformedMetadata();
        }
        return v.asLong();
    }

    /**
     * Parses an access control list object ({@code $r $w $d $mr $mw}, each a role or an array of
     * roles), as in {@code $acl} and in {@code $settings}.
     *
     * @throws IllegalArgumentException when it is not such an object
     */
    static Acl parseAcl(JsonNode v) {
        try {
            Acl acl = acl(v);
            if (acl == null) {
                throw new IllegalArgumentException("an access control list must be an object");
            }
            return acl;
        } catch (MalformedMetadata e) {
            throw new IllegalArgumentException("malformed access control list: " + v, e);
        }
    }

    private static Acl acl(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new MalformedMetadata();
        }
        List<String> r = null, w = null, d = null, mr = null, mw = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            List<String> roles = roles(f.getValue());
            switch (f.getKey()) {
                case "$r" -> r = roles;
                case "$w" -> w = roles;
                case "$d" -> d = roles;
                case "$mr" -> mr = roles;
                case "$mw" -> mw = roles;
                default -> throw new MalformedMetadata();
            }
        }
        return new Acl(r, w, d, mr, mw);
    }

    private static List<String> roles(JsonNode v) {
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new MalformedMetadata();
        }
        List<String> roles = new ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isTextual()) {
                throw new MalformedMetadata();
            }
            roles.add(n.asText());
        }
        return roles;
    }

    /** Serializes metadata as KurrentDB writes it. */
    public static byte[] write(StreamMetadata m) {
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
