package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.PAGE;
import static io.vmledger.core.LedgerFixture.bind;
import static io.vmledger.core.LedgerFixture.map;
import static io.vmledger.core.LedgerFixture.mapNull;
import static io.vmledger.core.LedgerFixture.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.Madv;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.VmLogEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * msm's VM log (kernel-semantics §3.8): entries, queue ids, the ring, and the extraction
 * off-by-one.
 */
class VmLogTest {
    private static final long F = 1;
    private static final long BO = 7;
    private static final long BASE = 0x100000000L;

    private static LedgerFixture ledger(FoldConfig config) {
        LedgerFixture t = new LedgerFixture(config);
        t.vmBindFile(F);
        t.boNew(F, BO, 0x100000);
        return t;
    }

    /** One ioctl of {@code n} single-page NULL maps: exactly n "map" entries. */
    private static Event.VmBind nullMaps(long firstPage, int n) {
        List<VmBindOp> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(mapNull(BASE + (firstPage + i) * PAGE, PAGE));
        }
        return new Event.VmBind(F, LedgerFixture.Q, 0, ops);
    }

    @Test
    void mapAndUnmapEntriesCarryTheVmBindQueueId() {
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(new Event.SubmitqueueNew(F, 2, true));
        t.ok(bind(F, map(BO, 0, BASE, 4 * PAGE)));
        t.ok(new Event.VmBind(F, 2, 0, List.of(unmap(BASE + PAGE, PAGE))));
        assertEquals(
                List.of(
                        new VmLogEntry("map", 1, BASE, 4 * PAGE),
                        new VmLogEntry("unmap", 2, BASE + PAGE, PAGE)),
                t.vm(F).log());
        assertEquals(2, t.vm(F).logTotal());
    }

    @Test
    void entriesFollowThePageTableOpsInOrder() {
        // §3.6 step 3: each performed op writes its entry first; a map over an existing VA
        // logs the unmap of the overlap, then the map.
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(bind(F, map(BO, 0, BASE, 4 * PAGE)));
        t.ok(bind(F, mapNull(BASE + PAGE, 2 * PAGE)));
        assertEquals(
                List.of(
                        new VmLogEntry("map", 1, BASE, 4 * PAGE),
                        new VmLogEntry("unmap", 1, BASE + PAGE, 2 * PAGE),
                        new VmLogEntry("map", 1, BASE + PAGE, 2 * PAGE)),
                t.vm(F).log());
    }

    @Test
    void inPlaceRemapLogsNothing() {
        // §3.5 in-place remap: no page-table op, hence no log entry.
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(bind(F, map(BO, 0, BASE, 4 * PAGE)));
        t.ok(bind(F, LedgerFixture.mapDump(BO, 0, BASE, 4 * PAGE)));
        assertEquals(1, t.vm(F).logTotal());
    }

    @Test
    void ringKeepsTheLast256Entries() {
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(nullMaps(0, 300));
        VmView vm = t.vm(F);
        assertEquals(300, vm.logTotal());
        assertEquals(256, vm.log().size());
        assertEquals(
                new VmLogEntry("map", 1, BASE + 44 * PAGE, PAGE),
                vm.log().get(0),
                "oldest kept entry");
        assertEquals(
                new VmLogEntry("map", 1, BASE + 299 * PAGE, PAGE),
                vm.log().get(255),
                "newest entry");
    }

    @Test
    void kernelOmitsNewestUntilTheRingWraps() {
        // §3.8 extraction: while slot[log_idx] was never written, count = log_idx - 1.
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        assertFalse(t.vm(F).kernelOmitsNewest(), "no entry: no section at all");
        t.ok(nullMaps(0, 1));
        assertTrue(t.vm(F).kernelOmitsNewest(), "one entry: header with no lines");
        t.ok(nullMaps(1, 254));
        assertEquals(255, t.vm(F).logTotal());
        assertTrue(t.vm(F).kernelOmitsNewest());
        t.ok(nullMaps(255, 1));
        assertEquals(256, t.vm(F).logTotal());
        assertFalse(
                t.vm(F).kernelOmitsNewest(), "256 entries: log_idx wrapped to 0, slot 0 written");
        t.ok(nullMaps(256, 1));
        assertFalse(t.vm(F).kernelOmitsNewest());
    }

    @Test
    void kernelViewIsTheKernelsExtraction() {
        // §3.8: oldest first; without a wrap log_idx - 1 entries (newest missing); after a wrap all
        LedgerFixture t = ledger(new FoldConfig(2));
        VmLog log = new VmLog(t.ledgerTables(), new FoldConfig(2));
        assertEquals(List.of(), log.kernelView(F));
        t.ok(nullMaps(0, 1));
        assertEquals(List.of(), log.kernelView(F), "one entry: the section has no lines");
        t.ok(nullMaps(1, 2));
        assertEquals(List.of(entry(0), entry(1)), log.kernelView(F));
        t.ok(nullMaps(3, 1));
        assertEquals(
                List.of(entry(0), entry(1), entry(2), entry(3)),
                log.kernelView(F),
                "wrapped: all four slots");
        t.ok(nullMaps(4, 1));
        assertEquals(List.of(entry(1), entry(2), entry(3), entry(4)), log.kernelView(F));
        assertEquals(log.ring(F), log.kernelView(F));
    }

    private static VmLogEntry entry(long page) {
        return new VmLogEntry("map", LedgerFixture.Q, BASE + page * PAGE, PAGE);
    }

    @Test
    void ringLengthFollowsVmLogShiftCappedAt8() {
        LedgerFixture small = ledger(new FoldConfig(3));
        small.ok(nullMaps(0, 7));
        assertTrue(small.vm(F).kernelOmitsNewest());
        small.ok(nullMaps(7, 3));
        assertEquals(8, small.vm(F).log().size());
        assertEquals(10, small.vm(F).logTotal());
        assertFalse(small.vm(F).kernelOmitsNewest());

        LedgerFixture capped = ledger(new FoldConfig(12));
        capped.ok(nullMaps(0, 300));
        assertEquals(256, capped.vm(F).log().size());
    }

    @Test
    void logShiftZeroDisablesTheLog() {
        LedgerFixture t = ledger(new FoldConfig(0));
        t.ok(nullMaps(0, 3));
        t.ok(bind(F, unmap(BASE, 3 * PAGE)));
        VmView vm = t.vm(F);
        assertTrue(vm.log().isEmpty());
        assertEquals(0, vm.logTotal());
        assertFalse(vm.kernelOmitsNewest());
    }

    @Test
    void closeEntriesUseQueueZero() {
        // §3.7 / §3.8: everything not issued through a VM_BIND job logs queue_id 0.
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(bind(F, map(BO, 0, BASE, 2 * PAGE), mapNull(BASE + 0x100000, PAGE)));
        t.ok(new Event.FileClose(F));
        List<VmLogEntry> log = t.vm(F).log();
        assertEquals(
                List.of(
                        new VmLogEntry("map", 1, BASE, 2 * PAGE),
                        new VmLogEntry("map", 1, BASE + 0x100000, PAGE),
                        new VmLogEntry("close", 0, BASE, 2 * PAGE),
                        new VmLogEntry("close", 0, BASE + 0x100000, PAGE)),
                log);
    }

    @Test
    void purgeEntriesUseQueueZero() {
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(bind(F, map(BO, 0, BASE, 2 * PAGE)));
        t.ok(new Event.Madvise(BO, Madv.DONTNEED));
        t.ok(new Event.Madvise(BO, Madv.PURGED));
        List<VmLogEntry> log = t.vm(F).log();
        assertEquals(new VmLogEntry("purge", 0, BASE, 2 * PAGE), log.get(log.size() - 1));
    }

    @Test
    void rejectedIoctlsLogNothing() {
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.ok(nullMaps(0, 2));
        t.error(bind(F, mapNull(BASE, PAGE), map(BO, 0, BASE, 0x200000)), Errno.EINVAL);
        assertEquals(2, t.vm(F).logTotal());
    }

    @Test
    void kernelManagedVmsHaveNoLog() {
        // §3.8: only user-managed (VM_BIND) VMs get a log.
        LedgerFixture t = ledger(FoldConfig.DEFAULT);
        t.legacyFile(2);
        t.boNew(2, 8, 0x2000);
        t.ok(new Event.GetIova(2, 8, null));
        t.ok(new Event.HandleClose(2, 8));
        assertEquals(0, t.vm(2).logTotal());
        assertTrue(t.vm(2).log().isEmpty());
    }
}
