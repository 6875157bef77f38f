package dev.cairn.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A user as user management shows it (never the password or its hash).
 *
 * @param loginName the name the user logs in with
 * @param fullName a display name
 * @param groups the groups (roles) the user is in, such as {@code $admins}
 * @param disabled whether logins are refused
 * @param lastUpdated when the user record was last written
 */
public record UserDetails(String loginName, String fullName, List<String> groups, boolean disabled,
        Instant lastUpdated) {

    public UserDetails {
        Objects.requireNonNull(loginName, "login name");
        fullName = fullName == null ? "" : fullName;
        groups = List.copyOf(groups);
    }
}
