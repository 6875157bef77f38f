package dev.cairn.api;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Who makes a call: an authenticated user with their groups (roles), or {@link #ANONYMOUS}.
 * Access control lists name users and groups; {@code $all} in a list means everyone.
 *
 * <p>As in KurrentDB, the user {@code admin} and members of {@code $admins} are administrators,
 * and {@code ops} and members of {@code $ops} are operators.
 *
 * @param name the login name; empty only for {@link #ANONYMOUS}
 * @param groups the user's groups, such as {@code $admins}
 */
public record Principal(String name, Set<String> groups) {

    /** Administrators: every stream, every operation. */
    public static final String ADMINS = "$admins";
    /** Operators: node operations and persistent subscription management. */
    public static final String OPS = "$ops";
    /** In an access control list: everyone. */
    public static final String ALL = "$all";

    /** Who calls without credentials. */
    public static final Principal ANONYMOUS = new Principal("", Set.of());

    public Principal {
        Objects.requireNonNull(name, "name");
        groups = Set.copyOf(Objects.requireNonNull(groups, "groups"));
        if (name.isEmpty() && !groups.isEmpty()) {
            throw new InvalidArgumentException("an anonymous principal has no groups");
        }
    }

    /** An authenticated user. */
    public static Principal user(String name, Collection<String> groups) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("a user's name must not be empty");
        }
        return new Principal(name, Set.copyOf(groups));
    }

    /** False only for {@link #ANONYMOUS}. */
    public boolean isAuthenticated() {
        return !name.isEmpty();
    }

    /** The user {@code admin} or a member of {@code $admins}. */
    public boolean isAdmin() {
        return name.equals("admin") || groups.contains(ADMINS);
    }

    /** An administrator, or the user {@code ops} or a member of {@code $ops}. */
    public boolean isOpsOrAdmin() {
        return isAdmin() || name.equals("ops") || groups.contains(OPS);
    }

    /** Whether an access control list with these entries includes this principal. */
    public boolean isIn(Collection<String> entries) {
        for (String entry : entries) {
            if (entry.equals(ALL) || (isAuthenticated() && (entry.equals(name) || groups.contains(entry)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return isAuthenticated() ? name : "(anonymous)";
    }
}
