package dev.cairn.api;

/** The stream was tombstoned: it can be neither read nor written again. */
public class StreamDeletedException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final transient StreamName stream;

    public StreamDeletedException(StreamName stream) {
        super(ErrorCode.STREAM_DELETED, "stream '" + stream + "' is deleted");
        this.stream = stream;
    }

    public StreamName stream() {
        return stream;
    }
}
