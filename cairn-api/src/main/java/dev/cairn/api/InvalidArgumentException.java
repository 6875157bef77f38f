package dev.cairn.api;

/** A request broke a rule; the message names the rule. Nothing was written. */
public class InvalidArgumentException extends CairnException {

    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(ErrorCode.INVALID_ARGUMENT, message);
    }
}
