package io.vmledger.engine.query;

/**
 * Whether the fold is advancing, as {@code /healthz} and {@code /metrics} report it.
 *
 * @param stalled input has waited longer than the stall timeout with no record folded
 * @param lag input records waiting on this instance's active partitions, -1 if unknown
 * @param lastProgressAgeSeconds time since the fold last advanced or had nothing waiting
 */
public record FoldHealth(boolean stalled, long lag, double lastProgressAgeSeconds) {
    /** Before the first check: nothing known, nothing stalled. */
    public static final FoldHealth UNKNOWN = new FoldHealth(false, -1, 0);
}
