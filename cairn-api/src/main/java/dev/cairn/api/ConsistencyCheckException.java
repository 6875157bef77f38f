package dev.cairn.api;

import java.util.List;

/**
 * Consistency checks of an append failed; nothing was written. Lists every failing check.
 */
public class ConsistencyCheckException extends CairnException {

    private static final long serialVersionUID = 1L;

    /**
     * One failing check.
     *
     * @param index the check's index in the request
     * @param stream the stream checked
     * @param expected the state that was expected
     * @param actual the state found: {@link StreamState.NoStream}, {@link StreamState.AtRevision}
     *     (the last revision), {@link StreamState.Deleted} or {@link StreamState.Tombstoned}, as
     *     KurrentDB reports it
     */
    public record Failure(int index, StreamName stream, StreamState expected, StreamState actual) {
    }

    private final transient List<Failure> failures;

    public ConsistencyCheckException(List<Failure> failures) {
        super(ErrorCode.WRONG_EXPECTED_VERSION, "consistency checks failed: " + failures);
        this.failures = List.copyOf(failures);
    }

    public List<Failure> failures() {
        return failures;
    }
}
