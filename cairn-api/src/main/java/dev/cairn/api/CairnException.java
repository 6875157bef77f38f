package dev.cairn.api;

/**
 * The base of every error the API raises: unchecked, with a stable {@link ErrorCode}.
 */
public class CairnException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public CairnException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CairnException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
