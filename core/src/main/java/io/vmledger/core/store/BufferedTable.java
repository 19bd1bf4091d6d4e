package io.vmledger.core.store;

/**
 * A table that holds back writes until {@link #flush()}, which the fold calls after every event.
 */
public interface BufferedTable {
    /** Writes every change held back to where the table keeps its durable copy. */
    void flush();
}
