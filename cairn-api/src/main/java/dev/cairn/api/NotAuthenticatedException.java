package dev.cairn.api;

/**
 * The credentials were refused: unknown user, wrong password or disabled account. The message
 * never says which, so that it tells a guesser nothing.
 */
public class NotAuthenticatedException extends CairnException {

    private static final long serialVersionUID = 1L;

    public NotAuthenticatedException() {
        super(ErrorCode.NOT_AUTHENTICATED, "invalid credentials");
    }
}
