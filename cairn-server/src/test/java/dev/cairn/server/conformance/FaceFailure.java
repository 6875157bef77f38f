package dev.cairn.server.conformance;

/** A call to a {@link Face} failed in a way a scenario may expect; the original failure is the cause. */
final class FaceFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    FaceFailure(Failure failure, Throwable cause) {
        super(failure.toString(), cause);
        this.failure = failure;
    }

    Failure failure() {
        return failure;
    }
}
