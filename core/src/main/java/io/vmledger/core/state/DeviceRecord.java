package io.vmledger.core.state;

/**
 * Per-device bookkeeping, stored under key {@code (0)}: the last applied seq and event time, and
 * how many display-VMA unmaps the lazy teardown saved.
 *
 * @param displayUnmapsAvoided fb_prepares that found a plane's display VMA kept mapped by {@code
 *     vma_ref} after an earlier fb_cleanup (the BO pinned nowhere, so without the lazy teardown of
 *     kernel-semantics §4 the cleanup would have unmapped it, with a TLB invalidation, and the
 *     prepare mapped it again)
 */
public record DeviceRecord(long lastSeq, long lastTs, long displayUnmapsAvoided) {

    /** A record with no saved unmaps. */
    public DeviceRecord(long lastSeq, long lastTs) {
        this(lastSeq, lastTs, 0);
    }

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
