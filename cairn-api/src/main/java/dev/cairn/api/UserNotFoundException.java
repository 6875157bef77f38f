package dev.cairn.api;

/** No user has this login name (never created, or deleted). */
public class UserNotFoundException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final String login;

    public UserNotFoundException(String login) {
        super(ErrorCode.USER_NOT_FOUND, "user '" + login + "' is not found");
        this.login = login;
    }

    public String login() {
        return login;
    }
}
