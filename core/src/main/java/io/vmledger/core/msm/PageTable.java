package io.vmledger.core.msm;

import io.vmledger.core.U64;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.PteRun;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.OrderedTable;
import java.util.Map;

/**
 * The io-pgtable-arm model of a VM's GPU page table (kernel-semantics §5.1, §5.4): 48-bit VA, 4 KiB
 * granule, the root allocated with the VM, L1/L2/L3 tables allocated on first use, 4 KiB leaves
 * only. A map over a populated PTE fails ({@code EEXIST}); tables are never freed by a 4 KiB unmap
 * (VM_BIND VMs), while the block-sized unmaps of kernel-managed VMs free the tables under fully
 * covered 2 MiB / 1 GiB regions. Counters per VM are kept in {@code ptStats}.
 */
public final class PageTable {
    /** VA bits covered by one entry of the table above an L1, L2 and L3 table. */
    private static final int[] SHIFTS = {39, 30, 21};

    private final TableRuns tables;
    private final PteRuns ptes;
    private final OrderedTable<PageTableStats> stats;

    public PageTable(DeviceTables t) {
        this.tables = new TableRuns(t.ptTables());
        this.ptes = new PteRuns(t.ptes());
        this.stats = t.ptStats();
    }

    /** Result of a map. */
    public enum MapResult {
        /** All PTEs written. */
        OK,
        /** A target PTE was already populated: nothing written (msm undoes the partial map). */
        EEXIST,
        /**
         * The job's pre-allocated table pool ran out: no PTE written, the tables allocated until
         * then stay.
         */
        POOL_EXHAUSTED
    }

    /**
     * The job's pool of pre-allocated table pages (§5.2); {@code null} pool = kernel-managed VM, no
     * limit.
     */
    public static final class Pool {
        private long remaining;

        public Pool(long pages) {
            this.remaining = pages;
        }

        /** Pages still unused. */
        public long remaining() {
            return remaining;
        }
    }

    /**
     * The walk of one address down a VM's tree (§5.1), as msm's software walk for a fault does: how
     * many tables below the root exist on its path ({@code tables}: 0 to 3, L1 then L2 then L3)
     * and, when its 4 KiB page is populated, what the leaf maps ({@code bo} null = the PRR page;
     * {@code offset} = the page's offset in the BO).
     */
    public record Walk(int tables, boolean populated, Long bo, long offset) {}

    /** The walk of {@code iova} in {@code vm}'s page table. */
    public Walk walk(long vm, long iova) {
        int present = 0;
        while (present < 3 && tables.contains(vm, present + 1, iova >>> SHIFTS[present])) {
            present++;
        }
        Map.Entry<CompositeKey, PteRun> run = present == 3 ? ptes.runAt(vm, iova) : null;
        if (run == null) {
            return new Walk(present, false, null, 0);
        }
        long page = U64.alignDown(iova, 12);
        long start = DeviceTables.pteStart(run.getKey());
        return new Walk(
                present, true, run.getValue().bo(), run.getValue().offset() + (page - start));
    }

    /** The counters of {@code vm}. */
    public PageTableStats stats(long vm) {
        PageTableStats s = stats.get(CompositeKey.of(vm));
        return s == null ? PageTableStats.EMPTY : s;
    }

    /**
     * Maps {@code [iova, iova + range)} onto {@code bo} (null = PRR page) with 4 KiB leaves. Tables
     * on the way down are allocated (from {@code pool} when given) up to the first populated page,
     * where the map fails; allocated tables stay either way.
     */
    public MapResult map(long vm, long iova, long range, Long bo, long offset, Pool pool) {
        long end = iova + range;
        Long populated = ptes.firstPopulated(vm, iova, end);
        long limit = populated == null ? end : populated;
        long[] need = new long[3];
        long total = 0;
        if (Long.compareUnsigned(limit, iova) > 0 && !allL3Present(vm, iova, limit)) {
            for (int level = 0; level < 3; level++) {
                long lo = iova >>> SHIFTS[level];
                long hi = ((limit - 1) >>> SHIFTS[level]) + 1;
                need[level] = (hi - lo) - tables.countPresent(vm, level + 1, lo, hi);
                total += need[level];
            }
        }
        if (pool != null && total > pool.remaining) {
            allocateUntilEmpty(vm, iova, limit, pool);
            return MapResult.POOL_EXHAUSTED;
        }
        if (total > 0) {
            for (int level = 0; level < 3; level++) {
                if (need[level] > 0) {
                    tables.add(
                            vm,
                            level + 1,
                            iova >>> SHIFTS[level],
                            ((limit - 1) >>> SHIFTS[level]) + 1);
                }
            }
            if (pool != null) {
                pool.remaining -= total;
            }
        }
        if (populated != null) {
            addStats(vm, need[0], need[1], need[2], 0);
            return MapResult.EEXIST;
        }
        ptes.add(vm, iova, end, bo, offset);
        addStats(vm, need[0], need[1], need[2], range >>> 12);
        return MapResult.OK;
    }

    /**
     * Clears the PTEs of {@code [iova, iova + range)}; returns the bytes that were populated. With
     * {@code blockUnmap} (kernel-managed VMs, whose page sizes include 2 MiB and 1 GiB) the L3
     * tables of fully covered 2 MiB regions and the L2 tables of fully covered 1 GiB regions are
     * freed as well.
     */
    public long unmap(long vm, long iova, long range, boolean blockUnmap) {
        long end = iova + range;
        long cleared = ptes.remove(vm, iova, end);
        long freedL2 = 0;
        long freedL3 = 0;
        if (blockUnmap) {
            freedL3 = freeCovered(vm, 3, iova, end, 21);
            freedL2 = freeCovered(vm, 2, iova, end, 30);
        }
        addStats(vm, 0, -freedL2, -freedL3, -(cleared >>> 12));
        return cleared;
    }

    /**
     * Whether every L3 table of {@code [iova, limit)} exists; then their L2 and L1 parents exist
     * too (tables are created top-down, and a freed L2 table takes the L3 tables under it along).
     */
    private boolean allL3Present(long vm, long iova, long limit) {
        long lo = iova >>> SHIFTS[2];
        long hi = ((limit - 1) >>> SHIFTS[2]) + 1;
        return tables.countPresent(vm, 3, lo, hi) == hi - lo;
    }

    /**
     * Frees the tables of {@code level} whose whole region ({@code 2^shift} bytes) lies in {@code
     * [iova, end)}.
     */
    private long freeCovered(long vm, int level, long iova, long end, int shift) {
        long first = U64.alignUp(iova, shift);
        if (Long.compareUnsigned(first, iova) < 0) {
            return 0;
        }
        return tables.remove(vm, level, first >>> shift, U64.alignDown(end, shift) >>> shift);
    }

    /** Frees the whole tree of {@code vm} (the VM was destroyed). */
    public void destroy(long vm) {
        tables.clear(vm);
        ptes.clear(vm);
        stats.delete(CompositeKey.of(vm));
    }

    private void allocateUntilEmpty(long vm, long iova, long limit, Pool pool) {
        long[] added = new long[3];
        for (long chunk = iova >>> 21; chunk <= (limit - 1) >>> 21; chunk++) {
            long addr = Math.max(chunk << 21, iova);
            for (int level = 0; level < 3; level++) {
                long idx = addr >>> SHIFTS[level];
                if (!tables.contains(vm, level + 1, idx)) {
                    if (pool.remaining == 0) {
                        addStats(vm, added[0], added[1], added[2], 0);
                        return;
                    }
                    tables.add(vm, level + 1, idx, idx + 1);
                    pool.remaining--;
                    added[level]++;
                }
            }
        }
        addStats(vm, added[0], added[1], added[2], 0);
    }

    private void addStats(long vm, long dl1, long dl2, long dl3, long dptes) {
        if (dl1 == 0 && dl2 == 0 && dl3 == 0 && dptes == 0) {
            return;
        }
        stats.put(CompositeKey.of(vm), stats(vm).plus(dl1, dl2, dl3, dptes));
    }
}
