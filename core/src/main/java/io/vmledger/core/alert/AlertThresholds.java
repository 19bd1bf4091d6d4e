package io.vmledger.core.alert;

/**
 * The alert rules' thresholds, all in device (event) time.
 *
 * @param afterUs how long a lifetime condition must hold before it is raised (default 30 s)
 * @param pagetableRatio page-table pages above this many times the minimum the populated PTEs need
 *     count as bloat (default 8)
 * @param pagetableMinPages fewer page-table pages than this are never bloat (default 64)
 * @param growthWindowUs mapped growth must make a new high at each of {@link #GROWTH_STEPS} steps
 *     over this window (default 120 s)
 * @param growthMinBytes and grow at least this much over the window (default 64 MiB)
 */
public record AlertThresholds(
        long afterUs,
        double pagetableRatio,
        long pagetableMinPages,
        long growthWindowUs,
        long growthMinBytes) {
    /** Steps a growth window is cut into. */
    public static final int GROWTH_STEPS = 6;

    /** Microseconds per second. */
    public static final long SECOND_US = 1_000_000L;

    /** The defaults. */
    public static final AlertThresholds DEFAULT =
            new AlertThresholds(30 * SECOND_US, 8.0, 64, 120 * SECOND_US, 64L << 20);

    public AlertThresholds {
        if (afterUs <= 0) {
            throw new IllegalArgumentException("alert delay must be > 0, got " + afterUs + " µs");
        }
        if (!(pagetableRatio >= 1.0) || Double.isInfinite(pagetableRatio)) {
            throw new IllegalArgumentException(
                    "page-table ratio must be a number >= 1, got " + pagetableRatio);
        }
        if (pagetableMinPages < 1) {
            throw new IllegalArgumentException(
                    "page-table minimum pages must be >= 1, got " + pagetableMinPages);
        }
        if (growthWindowUs < GROWTH_STEPS) {
            throw new IllegalArgumentException(
                    "growth window must be at least "
                            + GROWTH_STEPS
                            + " µs, got "
                            + growthWindowUs
                            + " µs");
        }
        if (growthMinBytes < 1) {
            throw new IllegalArgumentException(
                    "growth minimum must be >= 1 byte, got " + growthMinBytes);
        }
    }

    /** These thresholds with lifetime rules raised after {@code afterUs} instead. */
    public AlertThresholds withAfter(long afterUs) {
        return new AlertThresholds(
                afterUs, pagetableRatio, pagetableMinPages, growthWindowUs, growthMinBytes);
    }

    /** The length of one growth step. */
    public long growthStepUs() {
        return growthWindowUs / GROWTH_STEPS;
    }
}
