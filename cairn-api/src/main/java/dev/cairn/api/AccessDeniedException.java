package dev.cairn.api;

/**
 * The caller may not do this: a stream's access control list, or the role an operation needs,
 * does not include them. Nothing was written.
 */
public class AccessDeniedException extends CairnException {

    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(ErrorCode.ACCESS_DENIED, message);
    }
}
