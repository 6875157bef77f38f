package dev.cairn.engine.projections;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What is stored of a projection in its stream, {@code $projections-<name>}, as the data of a
 * {@code $ProjectionUpdated} event; the last one is the projection's definition.
 *
 * @param handlerType {@code JS} for a user projection, {@code native} for a standard one
 * @param query the JavaScript source; for a standard projection its configuration ({@link StandardConfig})
 * @param mode {@code Continuous}
 * @param enabled whether it runs
 * @param emitEnabled whether its query may emit events and links
 * @param trackEmittedStreams whether the streams it emits to are listed in {@code
 *     $projections-<name>-emittedstreams}, so that deleting it can delete them
 * @param version raised by each change
 * @param epoch raised by each reset; 0 when never reset
 * @param id KurrentDB's projection id, which its output's {@code $v} tag carries
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProjectionDefinition(String handlerType, String query, String mode, boolean enabled, boolean emitEnabled,
        boolean trackEmittedStreams, long version, long epoch, long id) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A standard projection as KurrentDB creates it: disabled, with its default configuration. */
    static ProjectionDefinition standard(StandardProjection projection) {
        return new ProjectionDefinition("native", StandardConfig.defaultQuery(projection), "Continuous", false, true,
                false, 1, 0, projection.ordinal() + 1);
    }

    static ProjectionDefinition user(String query, boolean emitEnabled, boolean trackEmittedStreams, long id) {
        return new ProjectionDefinition("JS", query, "Continuous", true, emitEnabled, trackEmittedStreams, 1, 0, id);
    }

    boolean isUser() {
        return "JS".equals(handlerType);
    }

    ProjectionDefinition withEnabled(boolean value) {
        return new ProjectionDefinition(handlerType, query, mode, value, emitEnabled, trackEmittedStreams,
                version + 1, epoch, id);
    }

    ProjectionDefinition withQuery(String value, Boolean emit) {
        return new ProjectionDefinition(handlerType, value, mode, enabled, emit == null ? emitEnabled : emit,
                trackEmittedStreams, version + 1, epoch, id);
    }

    /** A new epoch, numbered as KurrentDB numbers it: the version the reset brings. */
    ProjectionDefinition reset() {
        return new ProjectionDefinition(handlerType, query, mode, enabled, emitEnabled, trackEmittedStreams,
                version + 1, version + 1, id);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a stored definition; one stored before Cairn kept versions reads as version 1, epoch 0. */
    static ProjectionDefinition fromJson(byte[] json, ProjectionDefinition defaults) throws IOException {
        var node = JSON.readTree(json);
        return new ProjectionDefinition(
                text(node, "handlerType", defaults.handlerType()), text(node, "query", defaults.query()),
                text(node, "mode", defaults.mode()),
                node.path("enabled").asBoolean(defaults.enabled()),
                node.path("emitEnabled").asBoolean(defaults.emitEnabled()),
                node.path("trackEmittedStreams").asBoolean(defaults.trackEmittedStreams()),
                node.path("version").asLong(defaults.version()), node.path("epoch").asLong(defaults.epoch()),
                node.path("id").asLong(defaults.id()));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode node, String field, String otherwise) {
        return node.hasNonNull(field) ? node.get(field).asText() : otherwise;
    }
}
