package dev.cairn.api;

import java.util.List;

/**
 * User management, as KurrentDB's {@code Users} service offers it, on behalf of one caller:
 * administrators may do everything; any user may read their own details and change their own
 * password knowing the current one. Users live in system streams ({@code $user-<login>},
 * listed in {@code $users}); passwords are kept only as salted, slow hashes.
 *
 * <p>Errors: {@link AccessDeniedException} when the caller may not, {@link UserNotFoundException},
 * {@link UserConflictException}, {@link NotAuthenticatedException} for a wrong current password,
 * {@link InvalidArgumentException} for a malformed login name, group or empty password.
 * Thread-safe.
 */
public interface UserManager {

    /**
     * Creates a user. Creating a user that exists with the same password succeeds without a
     * change; with another password it fails with {@link UserConflictException}.
     */
    void createUser(String loginName, String fullName, List<String> groups, String password);

    /** Replaces a user's full name and groups. */
    void updateUser(String loginName, String fullName, List<String> groups);

    /** Deletes a user; its login name can be created again later. */
    void deleteUser(String loginName);

    /** Refuses the user's logins until enabled again. */
    void disableUser(String loginName);

    /** Accepts the user's logins again. */
    void enableUser(String loginName);

    /** One user's details. */
    UserDetails getUser(String loginName);

    /** Every user, ordered by login name. */
    List<UserDetails> listUsers();

    /** Sets a new password, given the current one. */
    void changePassword(String loginName, String currentPassword, String newPassword);

    /** Sets a new password without knowing the current one (administrators). */
    void resetPassword(String loginName, String newPassword);
}
