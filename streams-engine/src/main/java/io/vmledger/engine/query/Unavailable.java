package io.vmledger.engine.query;

/**
 * A query that cannot be answered right now (rebalancing, state restoring, owner unreachable): HTTP
 * 503.
 */
public final class Unavailable extends RuntimeException {
    public Unavailable(String reason) {
        super(reason);
    }
}
