package dev.cairn.engine.projections;

/**
 * A projection-management request that cannot be done as asked; {@link #reason()} says which kind,
 * so that a network face can answer with KurrentDB's status for it.
 */
public final class ProjectionManagementException extends RuntimeException {

    /** Why the request failed. */
    public enum Reason {
        /** No projection has that name. */
        NOT_FOUND,
        /** A projection with that name exists already. */
        CONFLICT,
        /** The projection is not in a state that allows it (running, a standard one, ...). */
        FAILED_PRECONDITION,
        /** The request itself is malformed. */
        INVALID_ARGUMENT
    }

    private final Reason reason;

    public ProjectionManagementException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static ProjectionManagementException notFound(String name) {
        return new ProjectionManagementException(Reason.NOT_FOUND, "Projection '" + name + "' not found.");
    }
}
