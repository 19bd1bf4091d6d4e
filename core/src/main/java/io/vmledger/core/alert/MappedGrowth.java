package io.vmledger.core.alert;

/**
 * A device's mapped bytes and their trend, stored under {@code (0)} in {@link
 * AlertTables#growth()}. Time is cut into steps of {@link AlertThresholds#growthStepUs()} starting
 * at the device's events; at each step end the mapped bytes either make a new high (the run goes
 * on) or not (the run ends and a raised growth alert clears).
 *
 * @param mapped bytes mapped now, over all VMs (populated 4 KiB PTEs)
 * @param stepStart event time the current step began
 * @param high the highest mapped bytes seen at a step end
 * @param rising consecutive steps that ended on a new high
 * @param runStart event time the current run of rising steps began
 * @param runFrom mapped bytes when the run began
 * @param runSeq seq of the event that began the run
 * @param raised whether this run was alerted already
 */
public record MappedGrowth(
        long mapped,
        long stepStart,
        long high,
        int rising,
        long runStart,
        long runFrom,
        long runSeq,
        boolean raised) {

    /** A device's first state at {@code ts}. */
    public static MappedGrowth start(long ts) {
        return new MappedGrowth(0, ts, 0, 0, ts, 0, 0, false);
    }

    /** This state with {@code delta} more bytes mapped. */
    public MappedGrowth plus(long delta) {
        return new MappedGrowth(
                mapped + delta, stepStart, high, rising, runStart, runFrom, runSeq, raised);
    }
}
