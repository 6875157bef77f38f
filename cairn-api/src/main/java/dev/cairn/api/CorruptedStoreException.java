package dev.cairn.api;

/** Stored data failed verification; the message names where. */
public class CorruptedStoreException extends CairnException {

    private static final long serialVersionUID = 1L;

    public CorruptedStoreException(String message) {
        super(ErrorCode.CORRUPTED, message);
    }
}
