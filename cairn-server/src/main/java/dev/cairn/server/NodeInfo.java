package dev.cairn.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.cairn.server.grpc.ServerFeaturesService;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /info}: KurrentDB's node information, in its camel-case JSON: the version the node
 * reports ({@link ServerFeaturesService#REPORTED_VERSION}, as {@code dbVersion} and the older
 * {@code esVersion}), its state ({@code leader}, a single node, or {@code shuttingdown}), which
 * of KurrentDB's optional features it has ({@code projections}, {@code userManagement}; never
 * {@code atomPub}, KurrentDB's HTTP stream API), and its authentication ({@code internal} users,
 * or null on an insecure node, which has none). Like KurrentDB's, it needs no credentials.
 *
 * <p>Thread-safe: the answer is built per request from fixed facts and the stopping flag.
 */
final class NodeInfo implements HttpService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean projections;
    private final boolean users;
    private final BooleanSupplier stopping;

    NodeInfo(boolean projections, boolean users, BooleanSupplier stopping) {
        this.projections = projections;
        this.users = users;
        this.stopping = stopping;
    }

    /** The JSON document {@code /info} answers. */
    String document() {
        ObjectNode info = JSON.createObjectNode()
                .put("dbVersion", ServerFeaturesService.REPORTED_VERSION)
                .put("esVersion", ServerFeaturesService.REPORTED_VERSION)
                .put("state", stopping.getAsBoolean() ? "shuttingdown" : "leader");
        info.putObject("features").put("projections", projections).put("userManagement", users).put("atomPub", false);
        if (users) {
            info.putObject("authentication").put("type", "internal").putObject("properties");
        } else {
            info.putNull("authentication");
        }
        return info.toString();
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, document());
    }
}
