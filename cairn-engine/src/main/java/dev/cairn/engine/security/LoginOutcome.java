package dev.cairn.engine.security;

import dev.cairn.api.Principal;

/** The outcome of a login: the caller's principal, or why they were refused (for the log only). */
public sealed interface LoginOutcome {

    /** The credentials are good: calls run as {@code principal}. */
    record Accepted(Principal principal) implements LoginOutcome {
    }

    /**
     * The credentials were refused. The reason ("unknown user", "wrong password", "the account
     * is disabled") is for the node's log; callers are told only that their credentials are
     * invalid.
     */
    record Refused(String reason) implements LoginOutcome {
    }
}
