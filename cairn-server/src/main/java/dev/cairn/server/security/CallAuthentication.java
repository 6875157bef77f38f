package dev.cairn.server.security;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.cairn.api.Principal;
import dev.cairn.engine.security.LoginOutcome;
import dev.cairn.engine.security.Security;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every gRPC call before it reaches a service, as KurrentDB does, and keeps the
 * caller's principal in the call's context ({@link CallPrincipal}). The node's HTTP operations
 * ({@code POST /admin/reloadconfig}) pass it too; they get refusals as HTTP statuses (401, 503)
 * rather than gRPC ones.
 *
 * <ul>
 *   <li>An {@code authorization: Basic ...} header (the clients' default or per-call
 *       credentials) is checked against the users; refused credentials end the call with
 *       {@code UNAUTHENTICATED}, and the node logs the login name, the address and the reason,
 *       never the password. Attempts from an address with many recent failures wait first
 *       ({@link LoginThrottle}).
 *   <li>Without that header, a client certificate that the TLS handshake verified against the
 *       trusted roots authenticates the user its common name names (the user must exist and be
 *       enabled).
 *   <li>Otherwise the call is anonymous; what anonymous callers may do is the authorizer's
 *       business.
 * </ul>
 *
 * <p>Password checks run on the blocking executor (a first check costs a slow hash); throttling
 * waits on a timer, never on a thread. Thread-safe.
 */
public final class CallAuthentication implements DecoratingHttpServiceFunction {

    private static final Logger LOG = LoggerFactory.getLogger(CallAuthentication.class);
    private static final MediaType GRPC = MediaType.parse("application/grpc");
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Security security;
    private final LoginThrottle throttle;

    public CallAuthentication(Security security, LoginThrottle throttle) {
        this.security = security;
        this.throttle = throttle;
    }

    private record Credentials(String login, String password) {
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        InetAddress address = ctx.clientAddress();
        if (header != null) {
            Credentials credentials = basic(header);
            if (credentials == null) {
                LOG.warn("authentication failed from {}: the authorization header is not basic credentials", address);
                return unauthenticated(req, "Unauthenticated: only basic credentials are supported");
            }
            Duration delay = throttle.delayFor(address);
            return authenticate(delegate, ctx, req, delay, () -> security.login(credentials.login(),
                    credentials.password()), "'" + printable(credentials.login()) + "'", true);
        }
        String certificateUser = certificateUser(ctx.sslSession());
        if (certificateUser != null) {
            return authenticate(delegate, ctx, req, Duration.ZERO, () -> security.identify(certificateUser),
                    "'" + printable(certificateUser) + "' (client certificate)", false);
        }
        ctx.setAttr(CallPrincipal.KEY, Principal.ANONYMOUS);
        return serveNow(delegate, ctx, req);
    }

    private HttpResponse authenticate(HttpService delegate, ServiceRequestContext ctx, HttpRequest req, Duration delay,
            Supplier<LoginOutcome> check, String who, boolean throttled) {
        InetAddress address = ctx.clientAddress();
        CompletableFuture<LoginOutcome> outcome = new CompletableFuture<>();
        Runnable run = () -> ctx.blockingTaskExecutor().execute(() -> {
            try {
                outcome.complete(check.get());
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        });
        if (delay.isZero()) {
            run.run();
        } else {
            ctx.eventLoop().schedule(run, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return HttpResponse.of(outcome.handleAsync((result, error) -> {
            if (error != null) {
                LOG.error("authentication of {} from {} failed with an error", who, address, error);
                return refuse(req, 14, HttpStatus.SERVICE_UNAVAILABLE, "Unavailable: authentication failed with an error");
            }
            if (result instanceof LoginOutcome.Refused refused) {
                int failures = throttled ? throttle.failed(address) : 0;
                LOG.warn("authentication failed for {} from {}: {}{}", who, address, refused.reason(),
                        throttled ? " (" + failures + " recent failures from this address)" : "");
                return unauthenticated(req, "Unauthenticated: invalid credentials");
            }
            if (throttled) {
                throttle.succeeded(address);
            }
            ctx.setAttr(CallPrincipal.KEY, ((LoginOutcome.Accepted) result).principal());
            return serveNow(delegate, ctx, req);
        }, ctx.eventLoop()));
    }

    private static HttpResponse serveNow(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) {
        try {
            return delegate.serve(ctx, req);
        } catch (Exception e) {
            return HttpResponse.ofFailure(e);
        }
    }

    /** The credentials of a {@code Basic} header, or null when it is not one. */
    private static Credentials basic(String header) {
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /**
     * The login a verified client certificate names: its common name, if it may authenticate a
     * client (extended key usage absent or including client authentication). Null otherwise.
     */
    private static String certificateUser(SSLSession session) {
        if (session == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null; // no certificate: the usual case
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            return null;
        }
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH)) {
                return null;
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static HttpResponse unauthenticated(HttpRequest req, String message) {
        return refuse(req, 16, HttpStatus.UNAUTHORIZED, message);
    }

    /**
     * A refusal in the request's protocol: for a gRPC call, a "trailers-only" response (the status
     * in the headers, no body); for a plain HTTP request ({@code /admin/reloadconfig}), the HTTP
     * status with the message as text.
     */
    private static HttpResponse refuse(HttpRequest req, int grpcStatus, HttpStatus httpStatus, String message) {
        MediaType type = req.contentType();
        // application/grpc, application/grpc+proto, application/grpc-web and the like
        if (type == null || !type.type().equals("application") || !type.subtype().startsWith("grpc")) {
            return HttpResponse.of(httpStatus, MediaType.PLAIN_TEXT_UTF_8, message);
        }
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(GRPC).endOfStream(true)
                .add("grpc-status", Integer.toString(grpcStatus)).add("grpc-message", message).build());
    }

    /** A login name as it may appear in the log: no control characters, bounded length. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.append(Character.isISOControl(c) ? '?' : Character.toString(c)));
        return b.toString();
    }
}
