package io.vmledger.core.state;

/**
 * Page-table counters of one VM, stored under key {@code (vm)}: tables allocated per level below
 * the root (L1 per 512 GiB, L2 per 1 GiB, L3 per 2 MiB region) and populated PTEs (§5.4).
 */
public record PageTableStats(long l1, long l2, long l3, long ptes) {
    /** No tables, no PTEs. */
    public static final PageTableStats EMPTY = new PageTableStats(0, 0, 0, 0);

    /** Bytes one populated PTE maps (§5.1: msm maps 4 KiB pages). */
    public static final long PAGE = 4096;

    /** Bytes the populated PTEs map. */
    public long mappedBytes() {
        return ptes * PAGE;
    }

    /** Page-table pages allocated below the root (one page per table, every level). */
    public long tablePages() {
        return l1 + l2 + l3;
    }

    /** These counters plus the given deltas. */
    public PageTableStats plus(long dl1, long dl2, long dl3, long dptes) {
        return new PageTableStats(l1 + dl1, l2 + dl2, l3 + dl3, ptes + dptes);
    }
}
