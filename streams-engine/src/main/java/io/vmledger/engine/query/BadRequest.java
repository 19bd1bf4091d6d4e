package io.vmledger.engine.query;

/**
 * A query with a missing or malformed parameter, or an unknown path, device, VM or BO: HTTP 400 or
 * 404.
 */
public final class BadRequest extends IllegalArgumentException {
    private final int status;

    BadRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status it answers: 400 or 404. */
    public int status() {
        return status;
    }
}
