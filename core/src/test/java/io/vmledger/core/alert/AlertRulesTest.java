package io.vmledger.core.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.Madv;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.store.CompositeKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each alert rule on hand-written traces through the in-memory fold: raised once, when its
 * condition held for the threshold in device time, with its evidence; not raised when the condition
 * clears in time; raised again only after it cleared and held anew.
 */
class AlertRulesTest {
    private static final String D = "dev";
    private static final long S = AlertThresholds.SECOND_US;
    private static final long T0 = 1_767_225_600L * S;
    private static final long VA = 0x100000000L;
    private static final long PAGE = 0x1000;

    /** A legacy file whose queues tick the clock. */
    private static final long TICKER = 99;

    private final AlertingLedger ledger = new AlertingLedger(AlertThresholds.DEFAULT);
    private long seq;
    private long now = T0;
    private long queue = 100;
    private boolean ticker;

    private Outcome ok(Event e) {
        Outcome o = ledger.apply(D, ++seq, now, e);
        assertEquals(Status.OK, o.status(), () -> e + " -> " + o);
        return o;
    }

    /**
     * Advances the device's clock to {@code seconds} after T0 with events that touch no BO or VM
     * state.
     */
    private void tickTo(double seconds) {
        long until = T0 + (long) (seconds * S);
        if (!ticker) {
            ok(new Event.FileOpen(TICKER, false, VA, 0xffff00000000L, true));
            ticker = true;
        }
        while (now < until) {
            now = Math.min(until, now + S / 2);
            ok(new Event.SubmitqueueNew(TICKER, ++queue, false));
            ok(new Event.SubmitqueueClose(TICKER, queue));
        }
    }

    private void vmBindFile(long file) {
        ok(new Event.FileOpen(file, true, VA, 0xffff00000000L, true));
        ok(new Event.SubmitqueueNew(file, 1, true));
    }

    private static Event.VmBind bind(long file, VmBindOp... ops) {
        return new Event.VmBind(file, 1, 0, List.of(ops));
    }

    private static VmBindOp map(long bo, long iova, long range) {
        return new VmBindOp(VmBindOp.MAP, bo, 0, iova, range, 0);
    }

    private static VmBindOp unmap(long iova, long range) {
        return new VmBindOp(VmBindOp.UNMAP, null, 0, iova, range, 0);
    }

    private Alert only(AlertRule rule) {
        List<Alert> found = ledger.of(rule);
        assertEquals(1, found.size(), () -> rule + ": " + ledger.alerts);
        return found.get(0);
    }

    @Test
    void handleLeakIsRaisedOnceAfterThirtySecondsOfDeviceTime() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 7, 8192, 0, "scratch"));
        long since = now;
        long sinceSeq = seq;
        tickTo(29.5);
        assertTrue(ledger.alerts.isEmpty(), ledger.alerts::toString);
        tickTo(30);
        Alert a = only(AlertRule.HANDLE_LEAK);
        assertEquals(Severity.WARNING, a.severity());
        assertEquals(7L, a.bo());
        assertEquals(since, a.firstSeen());
        assertEquals(sinceSeq, a.seq());
        assertEquals(now, a.raised());
        assertEquals(30 * S, a.value());
        assertEquals(8192, a.bytes());
        assertTrue(a.evidence().contains("1 GEM handle"), a.evidence());
        tickTo(90);
        assertEquals(1, ledger.alerts.size(), "raised once while it holds");
        assertEquals(
                List.of(),
                ledger.warnings().stream().filter(w -> w.rule() != AlertRule.HANDLE_LEAK).toList());
    }

    @Test
    void handleLeakClearsWhenTheBoIsUsedAndIsRaisedAgainOnlyAfterHoldingAnew() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 7, PAGE, 0, null));
        tickTo(31);
        assertEquals(1, ledger.of(AlertRule.HANDLE_LEAK).size());
        ok(bind(1, map(7, VA, PAGE)));
        tickTo(50);
        ok(bind(1, unmap(VA, PAGE)));
        long again = now;
        tickTo(79);
        assertEquals(1, ledger.of(AlertRule.HANDLE_LEAK).size());
        tickTo(81);
        assertEquals(2, ledger.of(AlertRule.HANDLE_LEAK).size());
        assertEquals(again, ledger.of(AlertRule.HANDLE_LEAK).get(1).firstSeen());
    }

    @Test
    void boUsedOrPurgeableInTimeRaisesNothing() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 7, PAGE, 0, null));
        tickTo(5);
        ok(bind(1, map(7, VA, PAGE)));
        ok(new Event.BoNew(1, 8, PAGE, 0, null));
        ok(new Event.Madvise(8, Madv.DONTNEED));
        tickTo(100);
        assertEquals(List.of(), ledger.alerts);
    }

    @Test
    void pinLeakNamesTheFramebufferAndCleanedFlipsRaiseNothing() {
        ok(new Event.KmsVm(0x1000000, 0xfff000000L));
        vmBindFile(1);
        ok(new Event.BoNew(1, 1, 1 << 20, 1, "front"));
        ok(new Event.BoNew(1, 2, 1 << 20, 1, "back"));
        for (int flip = 0; flip < 120; flip++) {
            long bo = 1 + flip % 2;
            ok(new Event.FbPrepare(bo, List.of(bo), null));
            now += S / 2;
            ok(new Event.FbCleanup(bo));
        }
        assertEquals(List.of(), ledger.alerts, "flips that clean up are no leak");
        ok(new Event.FbPrepare(9, List.of(2L), null));
        long since = now;
        tickTo(60 + 31);
        Alert a = only(AlertRule.PIN_LEAK);
        assertEquals(2L, a.bo());
        assertEquals(0L, a.vm());
        assertEquals(since, a.firstSeen());
        assertTrue(a.evidence().contains("fb 9"), a.evidence());
        assertEquals(1, ledger.warnings().size(), ledger.alerts::toString);
    }

    @Test
    void vmapLeakAndBalancedVmapsRaiseOnlyTheLeak() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 3, PAGE, 0, null));
        ok(bind(1, map(3, VA, PAGE)));
        ok(new Event.BoNew(1, 4, PAGE, 0, null));
        ok(bind(1, map(4, VA + PAGE, PAGE)));
        for (int i = 0; i < 30; i++) {
            ok(new Event.Vmap(3));
            now += S;
            ok(new Event.Vunmap(3));
        }
        ok(new Event.Vmap(4));
        tickTo(30 + 31);
        Alert a = only(AlertRule.VMAP_LEAK);
        assertEquals(4L, a.bo());
        assertEquals(1, ledger.alerts.size(), ledger.alerts::toString);
    }

    @Test
    void boKeptOnlyByMappingsAfterItsLastHandleIsClosed() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 5, 4 * PAGE, 0, null));
        ok(bind(1, map(5, VA, 4 * PAGE)));
        ok(new Event.BoNew(1, 6, PAGE, 0, null));
        ok(bind(1, map(6, VA + 0x100000, PAGE)));
        ok(new Event.HandleClose(1, 6));
        now += 2 * S;
        ok(bind(1, unmap(VA + 0x100000, PAGE)));
        ok(new Event.HandleClose(1, 5));
        long since = now;
        tickTo(40);
        Alert a = only(AlertRule.BO_KEPT_BY_MAPPINGS);
        assertEquals(5L, a.bo());
        assertEquals(since, a.firstSeen());
        assertTrue(a.evidence().contains("1 mapping(s)"), a.evidence());
        assertEquals(1, ledger.warnings().size(), ledger.alerts::toString);
    }

    @Test
    void pagetableBloatOfTinyMappingsFarApartButNotOfPackedOnes() {
        vmBindFile(1);
        vmBindFile(2);
        ok(new Event.BoNew(1, 1, 100 * PAGE, 0, null));
        ok(new Event.BoNew(2, 2, 100 * PAGE, 0, null));
        List<VmBindOp> apart = new ArrayList<>();
        List<VmBindOp> packed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            apart.add(new VmBindOp(VmBindOp.MAP, 1L, i * PAGE, VA + i * 0x200000L, PAGE, 0));
            packed.add(new VmBindOp(VmBindOp.MAP, 2L, i * PAGE, VA + i * PAGE, PAGE, 0));
        }
        ok(new Event.VmBind(1, 1, 0, apart));
        long since = now;
        ok(new Event.VmBind(2, 1, 0, packed));
        tickTo(31);
        Alert a = only(AlertRule.PAGETABLE_BLOAT);
        assertEquals(1L, a.vm());
        assertEquals(null, a.bo());
        assertEquals(since, a.firstSeen());
        assertEquals(102, a.value(), a.evidence());
        assertEquals(64, a.limit());
        assertEquals(100 * PAGE, a.bytes());
        assertEquals(1, ledger.alerts.size(), ledger.alerts::toString);
    }

    @Test
    void pagetableBloatClearsWhenTheVmIsClosed() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 1, 100 * PAGE, 0, null));
        List<VmBindOp> apart = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            apart.add(new VmBindOp(VmBindOp.MAP, 1L, i * PAGE, VA + i * 0x200000L, PAGE, 0));
        }
        ok(new Event.VmBind(1, 1, 0, apart));
        now += 10 * S;
        ok(new Event.FileClose(1));
        vmBindFile(2);
        tickTo(100);
        assertEquals(List.of(), ledger.warnings());
        assertTrue(
                ledger.alertTables(D)
                                .watch()
                                .get(AlertTables.watchKey(AlertRule.PAGETABLE_BLOAT, 1))
                        == null);
    }

    @Test
    void displayVmaKeptWithVmaRefZero() {
        ok(new Event.KmsVm(0x1000000, 0xfff000000L));
        vmBindFile(1);
        ok(new Event.BoNew(1, 1, 1 << 20, 1, "scanout"));
        ok(new Event.FbPrepare(1, List.of(1L), null));
        ok(new Event.FbCleanup(1));
        tickTo(40);
        assertEquals(
                List.of(),
                ledger.alerts,
                "a kept display VMA with a handle is the lazy teardown working");
        // A kernel that forgot the teardown at vma_ref 0: the VMA stays while nothing references
        // it.
        var bos = ledger.ledger.tables(D).bos();
        BoRecord b = bos.get(CompositeKey.of(1));
        bos.put(CompositeKey.of(1), b.withVmaRef(0));
        ok(new Event.SetName(1, "scanout"));
        long since = now;
        tickTo(80);
        Alert a = only(AlertRule.DISPLAY_VMA_UNREFERENCED);
        assertEquals(1L, a.bo());
        assertEquals(0L, a.vm());
        assertEquals(since, a.firstSeen());
    }

    @Test
    void mappingsLeftAtFileCloseAreInfo() {
        vmBindFile(1);
        ok(new Event.BoNew(1, 1, 2 * PAGE, 0, null));
        ok(bind(1, map(1, VA, PAGE), map(1, VA + 0x10000, 2 * PAGE)));
        vmBindFile(2);
        ok(new Event.FileClose(2));
        assertEquals(List.of(), ledger.alerts, "a close without mappings");
        ok(new Event.FileClose(1));
        Alert a = only(AlertRule.MAPPINGS_AT_CLOSE);
        assertEquals(Severity.INFO, a.severity());
        assertEquals(1L, a.vm());
        assertEquals(2, a.value());
        assertEquals(3 * PAGE, a.bytes());
        assertEquals(seq, a.seq());
        assertTrue(a.evidence().contains("2 mapping(s)"), a.evidence());
    }

    @Test
    void steadyMappedGrowthIsRaisedOnceAndFluctuationIsNot() {
        vmBindFile(1);
        long mib = 1 << 20;
        ok(new Event.BoNew(1, 1, 256 * mib, 0, null));
        // Fluctuation: map and unmap 64 MiB every 10 s for 3 minutes.
        for (int i = 0; i < 18; i++) {
            ok(bind(1, map(1, VA, 64 * mib)));
            now += 5 * S;
            ok(bind(1, unmap(VA, 64 * mib)));
            now += 5 * S;
        }
        assertEquals(List.of(), ledger.of(AlertRule.MAPPED_GROWTH));
        // Growth: 8 MiB more every 10 s for 4 minutes (192 MiB, 128 MiB above the earlier high).
        long start = now;
        for (int i = 0; i < 24; i++) {
            ok(bind(1, map(1, VA + i * 8 * mib, 8 * mib)));
            now += 10 * S;
        }
        tickTo((now - T0) / (double) S + 1);
        Alert a = only(AlertRule.MAPPED_GROWTH);
        assertTrue(a.firstSeen() >= start, a::toString);
        assertTrue(a.value() >= 64 * mib, a::toString);
        assertEquals(null, a.vm());
    }
}
