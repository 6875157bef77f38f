package dev.cairn.engine.security;

import dev.cairn.api.EventStore;
import dev.cairn.api.InvalidArgumentException;
import dev.cairn.api.NotAuthenticatedException;
import dev.cairn.api.Principal;
import dev.cairn.api.UserManager;
import dev.cairn.engine.streams.EmbeddedEventStore;
import dev.cairn.engine.streams.SystemAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, authentication and access control over an embedded store, as KurrentDB has them: users
 * and their groups live in system streams, passwords are kept as slow salted hashes, and every
 * call made through {@link #as(Principal)} is checked against stream ACLs and the defaults in
 * {@code $settings}. The server authenticates each call with {@link #login} and serves it through
 * {@code as(principal)}; embedded code does the same:
 *
 * <pre>{@code
 * Security security = Security.open(store, SecurityOptions.defaults());
 * EventStore alice = security.as(security.authenticate("alice", password));
 * alice.append("orders-1", StreamState.any(), EventData.json("OrderPlaced", "{}"));  // checked
 * }</pre>
 *
 * <p>On a store where they never existed, {@link #open} creates {@code admin} (in {@code $admins})
 * and {@code ops} (in {@code $ops}) with the initial passwords of the options, KurrentDB's
 * {@code changeit} by default. The store itself stays unchecked: code holding it has full access.
 * Thread-safe.
 */
public final class Security {

    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    private final EventStore store;
    private final UserDirectory users;
    private final Authenticator authenticator;
    private final Authorizer authorizer;

    private Security(EventStore store, SystemAccess system, SecurityOptions options) {
        this.store = store;
        PasswordHasher hasher = new PasswordHasher(options.passwordIterations());
        this.users = new UserDirectory(store, system, hasher);
        this.authenticator = new Authenticator(users, system, hasher, options.credentialCacheTtl(), options.clock());
        this.authorizer = new Authorizer(system, options.allowAnonymousStreamAccess());
    }

    /**
     * Enables security over an embedded store ({@code Cairn.open}), creating the default users on
     * a store that never had them.
     *
     * @throws InvalidArgumentException when {@code store} is not an embedded store
     */
    public static Security open(EventStore store, SecurityOptions options) {
        Objects.requireNonNull(options, "options");
        if (!(store instanceof EmbeddedEventStore embedded)) {
            throw new InvalidArgumentException("security works over the embedded store that Cairn.open returns");
        }
        Security security = new Security(store, embedded.system(), options);
        security.users.configureNotifications();
        security.createIfNeverExisted(embedded.system(), "admin", "Cairn Administrator", Principal.ADMINS,
                options.initialAdminPassword());
        security.createIfNeverExisted(embedded.system(), "ops", "Cairn Operations", Principal.OPS,
                options.initialOpsPassword());
        return security;
    }

    /**
     * Creates a default user unless its stream ever existed: a deleted {@code admin} stays
     * deleted rather than coming back with the initial password.
     */
    private void createIfNeverExisted(SystemAccess system, String login, String fullName, String group,
            String password) {
        if (system.version(UserDirectory.streamOf(login)).equals(new SystemAccess.StreamVersion(-1, -1, false))) {
            users.create(login, fullName, List.of(group), password);
            LOG.info("created the default user '{}' ({})", login, group);
        }
    }

    /** The store as {@code principal} may use it; every call is checked. */
    public EventStore as(Principal principal) {
        return new SecuredEventStore(store, authorizer, Objects.requireNonNull(principal, "principal"));
    }

    /** User management on behalf of {@code caller}. */
    public UserManager users(Principal caller) {
        return new SecuredUserManager(users, authenticator, authorizer, Objects.requireNonNull(caller, "caller"));
    }

    /** The access rules, for services that act for a caller outside the {@code EventStore} API. */
    public Authorizer authorizer() {
        return authorizer;
    }

    /**
     * Checks a login name and password. Slow the first time (a full password hash), then cheap
     * for a while; see {@link Authenticator}.
     */
    public LoginOutcome login(String loginName, String password) {
        return authenticator.authenticate(loginName, password);
    }

    /** The principal of a user known by other proof (a client certificate): it must exist and be enabled. */
    public LoginOutcome identify(String loginName) {
        return authenticator.identify(loginName);
    }

    /**
     * The principal for these credentials.
     *
     * @throws NotAuthenticatedException when they are refused
     */
    public Principal authenticate(String loginName, String password) {
        if (login(loginName, password) instanceof LoginOutcome.Accepted accepted) {
            return accepted.principal();
        }
        throw new NotAuthenticatedException();
    }

    /**
     * The default users ({@code admin}, {@code ops}) whose password is still KurrentDB's default
     * {@code changeit}. Slow: a full password hash per user.
     */
    public List<String> defaultPasswordsInUse() {
        List<String> weak = new ArrayList<>();
        for (String login : List.of("admin", "ops")) {
            UserDirectory.Stored stored = users.find(login);
            if (stored != null && !stored.record().disabled()
                    && users.passwordMatches(stored.record(), SecurityOptions.DEFAULT_PASSWORD)) {
                weak.add(login);
            }
        }
        return weak;
    }
}
