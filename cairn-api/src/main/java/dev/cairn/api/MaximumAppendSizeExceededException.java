package dev.cairn.api;

/** An append (or one event in it) was larger than the configured maximum. Nothing was written. */
public class MaximumAppendSizeExceededException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final long maxAppendSize;

    public MaximumAppendSizeExceededException(long maxAppendSize, String message) {
        super(ErrorCode.MAXIMUM_APPEND_SIZE_EXCEEDED, message);
        this.maxAppendSize = maxAppendSize;
    }

    /** The limit that was exceeded, in bytes. */
    public long maxAppendSize() {
        return maxAppendSize;
    }
}
