package dev.cairn.engine.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What a standard projection is told by its "query", as in KurrentDB: for {@code $by_category}
 * and {@code $stream_by_category} how a stream's name gives its category ({@code first} or {@code
 * last} separator, then the separator: {@code "first\r\n-"} by default, or the separator alone,
 * which means last), for {@code $by_correlation_id} the metadata property that holds the
 * correlation id ({@code {"correlationIdProperty":"$correlationId"}} by default).
 *
 * @param lastSeparator the category ends at the last separator, not the first
 * @param separator what separates a stream's category from the rest of its name
 * @param correlationIdProperty the metadata property {@code $by_correlation_id} reads
 */
record StandardConfig(boolean lastSeparator, char separator, String correlationIdProperty) {

    static final StandardConfig DEFAULT = new StandardConfig(false, '-', "$correlationId");
    private static final String FORMAT = "Configuration format is: \r\nfirst|last\r\nseparator";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** KurrentDB's query of a standard projection as it creates it. */
    static String defaultQuery(StandardProjection projection) {
        return switch (projection) {
            case BY_CATEGORY, STREAM_BY_CATEGORY -> "first\r\n-";
            case BY_CORRELATION_ID -> "{\"correlationIdProperty\":\"$correlationId\"}";
            default -> "";
        };
    }

    /**
     * Reads the query of {@code projection}; null or blank is the default.
     *
     * @throws IllegalArgumentException with KurrentDB's message, when it is malformed
     */
    static StandardConfig parse(StandardProjection projection, String query) {
        if (query == null || query.isBlank()) {
            return DEFAULT;
        }
        return switch (projection) {
            case BY_CATEGORY, STREAM_BY_CATEGORY -> categorization(query);
            case BY_CORRELATION_ID -> new StandardConfig(false, '-', correlationIdProperty(query));
            default -> DEFAULT;
        };
    }

    private static StandardConfig categorization(String query) {
        String trimmed = query.trim();
        if (trimmed.length() == 1) {
            return new StandardConfig(true, trimmed.charAt(0), DEFAULT.correlationIdProperty);
        }
        String[] parts = trimmed.split("\n", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("Cannot initialize categorization projection handler.  "
                    + "Invalid configuration  " + FORMAT);
        }
        String direction = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!direction.equals("first") && !direction.equals("last")) {
            throw new IllegalArgumentException("Cannot initialize categorization projection handler.  "
                    + "Invalid direction specifier.  Expected 'first' or 'last'. " + FORMAT);
        }
        if (parts[1].length() != 1) {
            throw new IllegalArgumentException("Cannot initialize categorization projection handler.  "
                    + "Single separator expected. " + FORMAT);
        }
        return new StandardConfig(direction.equals("last"), parts[1].charAt(0), DEFAULT.correlationIdProperty);
    }

    private static String correlationIdProperty(String query) {
        try {
            JsonNode property = JSON.readTree(query.getBytes(StandardCharsets.UTF_8)).get("correlationIdProperty");
            if (property != null && property.isTextual()) {
                return property.textValue();
            }
        } catch (IOException | RuntimeException malformed) {
            // the message below
        }
        throw new IllegalArgumentException("Could not parse projection source. Please make sure the source is a "
                + "valid JSON string with a property: 'correlationIdProperty' having a string value");
    }

    /** The category of {@code stream}, or null for a system stream or a name without the separator past its start. */
    String categoryOf(String stream) {
        if (StandardProjection.isSystem(stream)) {
            return null;
        }
        int at = lastSeparator ? stream.lastIndexOf(separator) : stream.indexOf(separator);
        return at > 0 ? stream.substring(0, at) : null;
    }
}
