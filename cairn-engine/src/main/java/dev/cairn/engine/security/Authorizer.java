package dev.cairn.engine.security;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.Acl;
import dev.cairn.api.Principal;
import dev.cairn.api.StreamName;
import dev.cairn.engine.streams.SystemAccess;
import dev.cairn.engine.streams.SystemSettings;
import java.util.List;
import java.util.function.Function;

/**
 * Decides what a {@link Principal} may do, as KurrentDB's default ("acl") authorization policy
 * does. This is the one place access rules live; the embedded view ({@link Security#as}) and the
 * server's services ask it, and so should anything else that acts for a caller
 * ({@link #check(Principal, Operation)} for operations that are not about one stream, such as
 * managing persistent subscription groups).
 *
 * <p>Streams: administrators ({@code admin}, {@code $admins}) may do anything. Other callers must
 * be authenticated (unless anonymous stream access is allowed) and named, directly or by a group,
 * in the stream's access control list for that access, or the list must hold {@code $all}. The
 * list for each access comes from the stream's {@code $acl} if it sets that access, else from
 * {@code $settings} ({@code $userStreamAcl} or, for names starting with {@code $},
 * {@code $systemStreamAcl}), else from KurrentDB's defaults ({@link SystemSettings#DEFAULT}).
 * {@code $all} is a system stream. Reading or writing a metadata stream {@code $$x} needs the
 * metadata read or write right of {@code x}; deleting one is for administrators.
 *
 * <p>Thread-safe; every check reads cached state only.
 */
public final class Authorizer {

    /** An access to a stream: KurrentDB's {@code streams} operations. */
    public enum StreamAccess {
        READ("$r", Acl::read),
        WRITE("$w", Acl::write),
        DELETE("$d", Acl::delete),
        METADATA_READ("$mr", Acl::metaRead),
        METADATA_WRITE("$mw", Acl::metaWrite);

        private final String key;
        private final Function<Acl, List<String>> roles;

        StreamAccess(String key, Function<Acl, List<String>> roles) {
            this.key = key;
            this.roles = roles;
        }

        /** The key of this access in an {@code $acl}: {@code $r}, {@code $w}, ... */
        public String aclKey() {
            return key;
        }

        List<String> rolesIn(Acl acl) {
            return acl == null ? null : roles.apply(acl);
        }
    }

    /** Who may do an operation that is not about one stream. */
    public enum Rule {
        /** Any authenticated user. */
        AUTHENTICATED,
        /** {@code ops}, {@code $ops} and administrators. */
        OPS_OR_ADMIN,
        /** {@code admin} and {@code $admins}. */
        ADMIN
    }

    /** Operations that are not about one stream, with KurrentDB's rule for each. */
    public enum Operation {
        USERS_CREATE(Rule.ADMIN),
        USERS_UPDATE(Rule.ADMIN),
        USERS_DELETE(Rule.ADMIN),
        USERS_ENABLE(Rule.ADMIN),
        USERS_DISABLE(Rule.ADMIN),
        USERS_RESET_PASSWORD(Rule.ADMIN),
        USERS_LIST(Rule.ADMIN),
        PERSISTENT_SUBSCRIPTIONS_CREATE(Rule.OPS_OR_ADMIN),
        PERSISTENT_SUBSCRIPTIONS_UPDATE(Rule.OPS_OR_ADMIN),
        PERSISTENT_SUBSCRIPTIONS_DELETE(Rule.OPS_OR_ADMIN),
        PERSISTENT_SUBSCRIPTIONS_RESTART(Rule.OPS_OR_ADMIN),
        PERSISTENT_SUBSCRIPTIONS_REPLAY_PARKED(Rule.OPS_OR_ADMIN),
        PERSISTENT_SUBSCRIPTIONS_TRUNCATE_PARKED(Rule.OPS_OR_ADMIN),
        /** Listing groups and their statistics. */
        PERSISTENT_SUBSCRIPTIONS_STATISTICS(Rule.AUTHENTICATED),
        /**
         * Consuming a group: authenticated here, and also {@code READ} on the group's stream
         * ({@code $all} for groups on {@code $all}), which the caller checks with
         * {@link #checkStream}.
         */
        PERSISTENT_SUBSCRIPTIONS_CONSUME(Rule.AUTHENTICATED),
        /** Listing projections and their statistics. */
        PROJECTIONS_STATISTICS(Rule.AUTHENTICATED),
        /** Reading a projection's state and result. */
        PROJECTIONS_READ(Rule.AUTHENTICATED),
        /**
         * Creating, updating, enabling, disabling, resetting and deleting projections, restarting
         * them all: projections read everything and write as the system, so admins only.
         */
        PROJECTIONS_MANAGE(Rule.ADMIN),
        /** Node operations: scavenge, shutdown, merge indexes, resign, set priority. */
        NODE_OPERATIONS(Rule.OPS_OR_ADMIN);

        private final Rule rule;

        Operation(Rule rule) {
            this.rule = rule;
        }

        public Rule rule() {
            return rule;
        }
    }

    private final SystemAccess system;
    private final boolean allowAnonymousStreamAccess;

    Authorizer(SystemAccess system, boolean allowAnonymousStreamAccess) {
        this.system = system;
        this.allowAnonymousStreamAccess = allowAnonymousStreamAccess;
    }

    /** Whether the principal may do the operation. */
    public boolean allows(Principal principal, Operation operation) {
        return switch (operation.rule()) {
            case AUTHENTICATED -> principal.isAuthenticated();
            case OPS_OR_ADMIN -> principal.isOpsOrAdmin();
            case ADMIN -> principal.isAdmin();
        };
    }

    /** Throws {@link AccessDeniedException} unless the principal may do the operation. */
    public void check(Principal principal, Operation operation) {
        if (!allows(principal, operation)) {
            throw new AccessDeniedException("access denied: " + principal + " may not " + describe(operation));
        }
    }

    /** Whether the principal may have this access to the stream ({@code $all} for the global log). */
    public boolean allows(Principal principal, StreamAccess access, StreamName stream) {
        if (principal.isAdmin()) {
            return true;
        }
        if (!principal.isAuthenticated() && !allowAnonymousStreamAccess) {
            return false;
        }
        StreamName target = stream;
        if (stream.isMetadata()) {
            access = switch (access) {
                case READ -> StreamAccess.METADATA_READ;
                case WRITE -> StreamAccess.METADATA_WRITE;
                default -> null; // deleting a metadata stream, or the metadata of one: not a thing
            };
            if (access == null) {
                return false;
            }
            target = stream.metadataOf();
        }
        return principal.isIn(roles(access, target));
    }

    /** Throws {@link AccessDeniedException} unless the principal may have this access to the stream. */
    public void checkStream(Principal principal, StreamAccess access, StreamName stream) {
        if (!allows(principal, access, stream)) {
            throw new AccessDeniedException("access denied: " + principal + " may not "
                    + access.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " stream '" + stream + "'");
        }
    }

    /** The users and groups that have this access to the stream (not a metadata stream). */
    List<String> roles(StreamAccess access, StreamName stream) {
        SystemSettings settings = system.systemSettings();
        boolean systemStream = stream.isSystem();
        List<String> roles = access.rolesIn(system.streamAcl(stream));
        if (roles == null) {
            roles = access.rolesIn(systemStream ? settings.systemStreamAcl() : settings.userStreamAcl());
        }
        if (roles == null) {
            SystemSettings d = SystemSettings.DEFAULT;
            roles = access.rolesIn(systemStream ? d.systemStreamAcl() : d.userStreamAcl());
        }
        return roles;
    }

    private static String describe(Operation operation) {
        return operation.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " (needs " + switch (operation.rule()) {
                    case AUTHENTICATED -> "an authenticated user";
                    case OPS_OR_ADMIN -> "$ops or $admins";
                    case ADMIN -> "$admins";
                } + ")";
    }
}
