package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.PAGE;
import static io.vmledger.core.LedgerFixture.bind;
import static io.vmledger.core.LedgerFixture.map;
import static io.vmledger.core.LedgerFixture.mapNull;
import static io.vmledger.core.LedgerFixture.stats;
import static io.vmledger.core.LedgerFixture.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.msm.PreallocCount;
import io.vmledger.core.state.PageTableStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page-table pre-allocation count of a VM_BIND job (kernel-semantics §5.2) and the worked
 * examples of §5.3, both on {@link PreallocCount} and as reported by the fold.
 */
class PreallocCountTest {
    private static final long BASE = 0x100000000L;
    private static final long MIB2 = 0x200000L;
    private static final long BO = 7;

    private static long count(VmBindOp... ops) {
        return PreallocCount.forJob(List.of(ops));
    }

    private static VmBindOp mapAt(long iova, long range) {
        return mapNull(iova, range);
    }

    // ---- §5.2 per-range formula ----

    @Test
    void oneRangeCountsL1L2AndL3TablesItTouches() {
        // spans(39) + spans(30) + spans(21)
        assertEquals(3, PreallocCount.forRange(BASE, PAGE));
        assertEquals(4, PreallocCount.forRange(BASE + MIB2 - PAGE, 2 * PAGE));
        assertEquals(1 + 1 + 512, PreallocCount.forRange(BASE, 0x40000000L));
        assertEquals(1 + 2 + 2, PreallocCount.forRange(BASE + 0x40000000L - PAGE, 2 * PAGE));
        assertEquals(2 + 2 + 2, PreallocCount.forRange(0x8000000000L - PAGE, 2 * PAGE));
    }

    // ---- §5.3 worked examples ----

    @Test
    void example1SingleMapReservesThree() {
        assertEquals(3, count(mapAt(BASE, PAGE)));
    }

    @Test
    void example3CrossingA2MiBBoundaryReservesFour() {
        assertEquals(4, count(mapAt(0x1001FF000L, 2 * PAGE)));
    }

    @Test
    void example4SortedAdjacentOpsFormOneRun() {
        assertEquals(3, count(mapAt(BASE, PAGE), mapAt(BASE + PAGE, PAGE)));
    }

    @Test
    void example4FarApartOpsAreCountedSeparately() {
        assertEquals(6, count(mapAt(BASE, PAGE), mapAt(0x100400000L, PAGE)));
        assertEquals(6, count(mapAt(0x100400000L, PAGE), mapAt(BASE, PAGE)));
    }

    @Test
    void example5UnmapOnlyJobReservesNothing() {
        assertEquals(0, count(unmap(BASE, PAGE), unmap(0x100400000L, 0x10000)));
        assertEquals(0, count());
    }

    // ---- §5.2 run aggregation ----

    @Test
    void opStartingIn2MiBWindowWherePreviousEndedExtendsTheRun() {
        // a 2 MiB op ends exactly at BASE + 2 MiB; the next op starts in that window → one run
        // [BASE, BASE + 2 MiB + 4K) → 1 + 1 + 2.
        assertEquals(4, count(mapAt(BASE, MIB2), mapAt(BASE + MIB2, PAGE)));
    }

    @Test
    void gapInsideTheSameWindowStillMerges() {
        assertEquals(3, count(mapAt(BASE, PAGE), mapAt(BASE + 0x100000, PAGE)));
    }

    @Test
    void mergedRunCrossingA2MiBBoundaryCountsFour() {
        assertEquals(4, count(mapAt(BASE, PAGE), mapAt(0x1001FF000L, 2 * PAGE)));
    }

    @Test
    void mergingOnlyWorksForSortedOps() {
        // same two ops; unsorted, the second starts in another window than the first ended
        assertEquals(4, count(mapAt(BASE, MIB2), mapAt(BASE + MIB2, PAGE)));
        assertEquals(6, count(mapAt(BASE + MIB2, PAGE), mapAt(BASE, MIB2)));
    }

    @Test
    void unmapOpsAreIgnoredAndDoNotBreakARun() {
        assertEquals(
                3, count(mapAt(BASE, PAGE), unmap(0x200000000L, PAGE), mapAt(BASE + PAGE, PAGE)));
    }

    @Test
    void mapAndMapNullAreBothCounted() {
        assertEquals(3, count(map(BO, 0, BASE, PAGE)));
        assertEquals(6, count(map(BO, 0, BASE, PAGE), mapNull(0x100400000L, PAGE)));
    }

    @Test
    void threeSeparateRunsAreSummed() {
        assertEquals(
                9, count(mapAt(BASE, PAGE), mapAt(0x100400000L, PAGE), mapAt(0x100800000L, PAGE)));
    }

    // ---- through the fold: reported count and what the job actually consumed ----

    private static LedgerFixture ledgerWithBo() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x10000);
        return t;
    }

    private static long tables(PageTableStats s) {
        return s.l1() + s.l2() + s.l3();
    }

    @Test
    void example1And2TheFoldReportsThreeAndConsumesThreeThenZero() {
        LedgerFixture t = ledgerWithBo();
        Outcome first = t.ok(bind(1, map(BO, 0, BASE, PAGE)));
        assertEquals(3L, first.preallocPages());
        assertEquals(3L, first.preallocUsed());
        assertEquals(stats(1, 1, 1, 1), t.pt(1), "example 1: all three reserved pages consumed");
        Outcome second = t.ok(bind(1, map(BO, PAGE, BASE + PAGE, PAGE)));
        assertEquals(3L, second.preallocPages(), "example 2: still reserves 3");
        assertEquals(0L, second.preallocUsed(), "example 2: consumes 0, returns 3");
        assertEquals(3, tables(t.pt(1)), "example 2: consumes 0");
    }

    @Test
    void example3TheFoldConsumesAllFour() {
        LedgerFixture t = ledgerWithBo();
        Outcome o = t.ok(bind(1, map(BO, 0, 0x1001FF000L, 2 * PAGE)));
        assertEquals(4L, o.preallocPages());
        assertEquals(4, tables(t.pt(1)));
    }

    @Test
    void example4FarApartReservesSixUsesFour() {
        LedgerFixture t = ledgerWithBo();
        Outcome o = t.ok(bind(1, map(BO, 0, BASE, PAGE), map(BO, 0, 0x100400000L, PAGE)));
        assertEquals(6L, o.preallocPages());
        assertEquals(4L, o.preallocUsed());
        assertEquals(4, tables(t.pt(1)));
        assertTrue(tables(t.pt(1)) <= o.preallocPages());
    }

    @Test
    void example5UnmapOnlyJobReportsZero() {
        LedgerFixture t = ledgerWithBo();
        t.ok(bind(1, map(BO, 0, BASE, 0x4000)));
        assertEquals(0L, t.ok(bind(1, unmap(BASE, 0x4000))).preallocPages());
    }

    @Test
    void inPlaceRemapIsStillCounted() {
        // §5.2: counts requested ranges, also for in-place remaps that touch nothing.
        LedgerFixture t = ledgerWithBo();
        t.ok(bind(1, map(BO, 0, BASE, PAGE)));
        Outcome o = t.ok(bind(1, LedgerFixture.mapDump(BO, 0, BASE, PAGE)));
        assertTrue(o.ops().get(0).pt().isEmpty(), "in-place remap queues no page-table op");
        assertEquals(3L, o.preallocPages());
    }
}
