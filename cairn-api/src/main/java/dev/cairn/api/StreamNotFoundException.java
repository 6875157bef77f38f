package dev.cairn.api;

/** The stream has no events to read: never written, soft deleted, or truncated away. */
public class StreamNotFoundException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final transient StreamName stream;

    public StreamNotFoundException(StreamName stream) {
        super(ErrorCode.STREAM_NOT_FOUND, "stream '" + stream + "' not found");
        this.stream = stream;
    }

    public StreamName stream() {
        return stream;
    }
}
