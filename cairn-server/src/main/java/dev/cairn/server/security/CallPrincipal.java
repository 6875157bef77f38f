package dev.cairn.server.security;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.cairn.api.Principal;
import io.netty.util.AttributeKey;

/**
 * The principal a call runs as, kept in the call's Armeria request context by
 * {@link CallAuthentication}. Services read it with {@link #current()} on the thread that handles
 * the call (the request context is current there, including gRPC's listener callbacks).
 */
public final class CallPrincipal {

    static final AttributeKey<Principal> KEY = AttributeKey.valueOf(CallPrincipal.class, "principal");

    private CallPrincipal() {
    }

    /**
     * The principal of the call being handled; {@link Principal#ANONYMOUS} when there is none, so
     * a call reached without authentication is refused rather than trusted.
     */
    public static Principal current() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        Principal principal = ctx == null ? null : ctx.attr(KEY);
        return principal == null ? Principal.ANONYMOUS : principal;
    }
}
