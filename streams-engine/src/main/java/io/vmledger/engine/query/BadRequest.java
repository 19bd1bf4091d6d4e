package io.vmledger.engine.query;

/** A query with a missing or malformed parameter, or an unknown path: HTTP 400 or 404. */
final class BadRequest extends IllegalArgumentException {
    private final int status;

    BadRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
