package dev.cairn.api;

/**
 * The store cannot serve the call: it is closed, or it stopped accepting writes after a storage
 * failure so that nothing is acknowledged that might not be on disk (fail-stop).
 */
public class StoreUnavailableException extends CairnException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(ErrorCode.UNAVAILABLE, message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
    }
}
