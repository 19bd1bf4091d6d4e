package io.vmledger.engine;

import io.vmledger.engine.query.FoldHealth;
import java.time.Duration;

/**
 * The rule by which the fold counts as stalled, apart from how its inputs are read: input has been
 * waiting (lag &gt; 0) for longer than the stall timeout while Kafka Streams was RUNNING, and not
 * one record was folded in that time. Progress, no waiting input, a lag that cannot be read, or any
 * state but RUNNING (restoring, rebalancing) restart the clock. Not thread-safe: one watchdog
 * thread observes.
 */
final class FoldProgress {
    private final long stallNanos;
    private long lastFolded = -1;
    private long lastProgressNanos;

    FoldProgress(Duration stall, long nowNanos) {
        this.stallNanos = stall.toNanos();
        this.lastProgressNanos = nowNanos;
    }

    /**
     * @param folded records accounted for so far
     * @param lag input records waiting, -1 if unknown
     */
    FoldHealth observe(long nowNanos, long folded, long lag, boolean running) {
        if (folded != lastFolded || lag <= 0 || !running) {
            lastFolded = folded;
            lastProgressNanos = nowNanos;
        }
        long age = nowNanos - lastProgressNanos;
        return new FoldHealth(age > stallNanos, lag, age / 1e9);
    }
}
