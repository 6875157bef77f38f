package dev.cairn.api;

/**
 * A user with this login name exists already (with another password), or the user was changed
 * by someone else at the same time; read it again and retry.
 */
public class UserConflictException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final String login;

    public UserConflictException(String login, String message) {
        super(ErrorCode.USER_CONFLICT, message);
        this.login = login;
    }

    public String login() {
        return login;
    }
}
