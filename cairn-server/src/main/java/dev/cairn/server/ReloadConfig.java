package dev.cairn.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.cairn.api.AccessDeniedException;
import dev.cairn.engine.security.Authorizer;
import dev.cairn.engine.security.Security;
import dev.cairn.server.security.CallPrincipal;
import dev.cairn.server.tls.NodeTls;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/reloadconfig}, KurrentDB's endpoint: reads the node's certificate, private key
 * and trusted roots again from their files ({@link NodeTls#reload()}), for {@code $admins} and
 * {@code $ops} on a secure node. {@code SIGHUP} does the same ({@code cairn start}).
 *
 * <ul>
 *   <li>200 {@code OK}: the new material is served from the next TLS handshake on (and on a
 *       plain-text node, which has nothing to reload).
 *   <li>401 {@code Unauthorized}: no credentials, or a user who is neither (KurrentDB answers 401
 *       for both).
 *   <li>500 with the reason: the files do not pass the checks {@code cairn start} makes (a key that
 *       does not belong to the certificate, an expired certificate, one no trusted root signed);
 *       the node goes on serving the previous material.
 * </ul>
 *
 * <p>Thread-safe; the files are read on the blocking-task executor.
 */
final class ReloadConfig implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadConfig.class);

    private final NodeTls tls;
    private final Security security;

    /**
     * @param tls the node's TLS material, or null on a plain-text node
     * @param security users and access control, or null on an insecure node (anyone may reload)
     */
    ReloadConfig(NodeTls tls, Security security) {
        this.tls = tls;
        this.security = security;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (security != null) {
            try {
                security.authorizer().check(CallPrincipal.current(), Authorizer.Operation.NODE_OPERATIONS);
            } catch (AccessDeniedException e) {
                return HttpResponse.of(HttpStatus.UNAUTHORIZED, MediaType.PLAIN_TEXT_UTF_8, "Unauthorized");
            }
        }
        LOG.info("reloading the node's configuration: a request came on /admin/reloadconfig from {}",
                ctx.clientAddress());
        if (tls == null) {
            return ok();
        }
        return HttpResponse.of(CompletableFuture.supplyAsync(() -> {
            try {
                tls.reload();
                return ok();
            } catch (IllegalArgumentException e) {
                return HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR, MediaType.PLAIN_TEXT_UTF_8,
                        "the certificates were not reloaded, the node still serves the previous ones: "
                                + e.getMessage());
            }
        }, ctx.blockingTaskExecutor()));
    }

    private static HttpResponse ok() {
        return HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, "OK");
    }
}
