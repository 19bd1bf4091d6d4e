package io.vmledger.core.state;

/** Per-device bookkeeping, stored under key {@code (0)}: the last applied seq and event time. */
public record DeviceRecord(long lastSeq, long lastTs) {

    /**
     * The time the fold gives an event: its own {@code ts}, or when absent the device's previous
     * event time ({@code previous}'s, 0 before the device's first event).
     */
    public static long eventTime(Long ts, DeviceRecord previous) {
        if (ts != null) {
            return ts;
        }
        return previous == null ? 0 : previous.lastTs();
    }
}
