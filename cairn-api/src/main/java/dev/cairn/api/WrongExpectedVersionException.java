package dev.cairn.api;

/**
 * The stream was not in the state the writer expected; nothing was written.
 */
public class WrongExpectedVersionException extends CairnException {

    private static final long serialVersionUID = 1L;

    private final transient StreamName stream;
    private final transient StreamState expected;
    private final transient StreamState actual;

    /**
     * @param actual {@link StreamState.NoStream} or {@link StreamState.AtRevision} with the
     *     stream's last revision
     */
    public WrongExpectedVersionException(StreamName stream, StreamState expected, StreamState actual) {
        super(ErrorCode.WRONG_EXPECTED_VERSION, "wrong expected version for stream '" + stream
                + "': expected " + expected + ", actual " + actual);
        this.stream = stream;
        this.expected = expected;
        this.actual = actual;
    }

    public StreamName stream() {
        return stream;
    }

    public StreamState expected() {
        return expected;
    }

    /** The stream's state when the append was checked: no stream, or its last revision. */
    public StreamState actual() {
        return actual;
    }
}
