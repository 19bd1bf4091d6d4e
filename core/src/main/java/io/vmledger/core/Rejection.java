package io.vmledger.core;

import java.util.Objects;

/** A kernel error returned by an event: the errno plus a human reason for the ledger. */
public record Rejection(Errno errno, String reason) {
    public Rejection {
        Objects.requireNonNull(errno, "errno cannot be null");
        Objects.requireNonNull(reason, "reason cannot be null");
    }

    /** Shorthand for {@code new Rejection(errno, reason)}. */
    public static Rejection of(Errno errno, String reason) {
        return new Rejection(errno, reason);
    }
}
