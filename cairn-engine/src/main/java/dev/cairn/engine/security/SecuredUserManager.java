package dev.cairn.engine.security;

import dev.cairn.api.AccessDeniedException;
import dev.cairn.api.Principal;
import dev.cairn.api.UserDetails;
import dev.cairn.api.UserManager;
import dev.cairn.engine.security.Authorizer.Operation;
import java.util.List;

/**
 * User management on behalf of one caller, with KurrentDB's rules: administrators manage users;
 * a user may read their own details; changing a password needs the current one. (KurrentDB lets
 * any authenticated user read any user's details; Cairn keeps them to the user and the
 * administrators.) Thread-safe.
 */
final class SecuredUserManager implements UserManager {

    private final UserDirectory users;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final Principal caller;

    SecuredUserManager(UserDirectory users, Authenticator authenticator, Authorizer authorizer, Principal caller) {
        this.users = users;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.caller = caller;
    }

    @Override
    public void createUser(String loginName, String fullName, List<String> groups, String password) {
        authorizer.check(caller, Operation.USERS_CREATE);
        users.create(loginName, fullName, groups, password);
    }

    @Override
    public void updateUser(String loginName, String fullName, List<String> groups) {
        authorizer.check(caller, Operation.USERS_UPDATE);
        users.updateDetails(loginName, fullName, groups);
        authenticator.forget(loginName);
    }

    @Override
    public void deleteUser(String loginName) {
        authorizer.check(caller, Operation.USERS_DELETE);
        users.delete(loginName);
        authenticator.forget(loginName);
    }

    @Override
    public void disableUser(String loginName) {
        authorizer.check(caller, Operation.USERS_DISABLE);
        users.setDisabled(loginName, true);
        authenticator.forget(loginName);
    }

    @Override
    public void enableUser(String loginName) {
        authorizer.check(caller, Operation.USERS_ENABLE);
        users.setDisabled(loginName, false);
    }

    @Override
    public UserDetails getUser(String loginName) {
        if (!caller.isAdmin() && !(caller.isAuthenticated() && caller.name().equals(loginName))) {
            throw new AccessDeniedException("access denied: " + caller + " may read only their own user details");
        }
        return users.require(loginName).details();
    }

    @Override
    public List<UserDetails> listUsers() {
        authorizer.check(caller, Operation.USERS_LIST);
        return users.list();
    }

    @Override
    public void changePassword(String loginName, String currentPassword, String newPassword) {
        if (!caller.isAuthenticated()) {
            throw new AccessDeniedException("access denied: changing a password needs an authenticated user");
        }
        UserDirectory.Stored stored = users.require(loginName);
        if (!users.passwordMatches(stored.record(), currentPassword)) {
            throw new AccessDeniedException("access denied: the current password of '" + loginName + "' is wrong");
        }
        users.setPassword(loginName, newPassword);
        authenticator.forget(loginName);
    }

    @Override
    public void resetPassword(String loginName, String newPassword) {
        authorizer.check(caller, Operation.USERS_RESET_PASSWORD);
        users.setPassword(loginName, newPassword);
        authenticator.forget(loginName);
    }
}
