package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.PAGE;
import static io.vmledger.core.LedgerFixture.VA_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.dump.CrashCapture;
import io.vmledger.core.dump.CrashState;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded randomized checks of the crash capture against brute force over the whole state: the
 * VM-log search (newest entries touching a range, bounded) and the attribution of a fault address
 * ({@code ==} / {@code >=} / none, crashdec's rule), the walk's leaf, and the seq each logged entry
 * carries (that of the vm_bind that logged it).
 */
class CrashCaptureTest {
    private static final long F = 1;
    private static final int WINDOW_PAGES = 256;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void searchAndAttributionEqualBruteForce(long seed) {
        Random rnd = new Random(seed);
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(F);
        for (long bo = 1; bo <= 4; bo++) {
            t.boNew(F, bo, 64 * PAGE);
        }
        List<Long> expectedSeqs = new ArrayList<>();
        long seq = 6;
        for (int i = 0; i < 120; i++) {
            long iova = VA_START + rnd.nextInt(WINDOW_PAGES) * PAGE;
            long range = (1 + rnd.nextInt(16)) * PAGE;
            Event.VmBind op =
                    rnd.nextInt(3) == 0
                            ? LedgerFixture.bind(F, LedgerFixture.unmap(iova, range))
                            : LedgerFixture.bind(
                                    F,
                                    LedgerFixture.map(
                                            1 + rnd.nextInt(4),
                                            rnd.nextInt(48) * PAGE,
                                            iova,
                                            range));
            int before = log(t).size();
            Outcome o = t.apply(op);
            seq++;
            for (int n = log(t).size() - before; n > 0; n--) {
                expectedSeqs.add(seq);
            }
            assertTrue(o.status() == Status.OK || o.status() == Status.ERROR);
        }
        List<VmLogRecord> all = log(t);
        assertEquals(expectedSeqs, all.stream().map(VmLogRecord::seq).toList(), "seed " + seed);

        VmLog vmLog = new VmLog(t.ledgerTables(), FoldConfig.DEFAULT);
        for (int i = 0; i < 50; i++) {
            long lo = VA_START + rnd.nextInt(WINDOW_PAGES + 16) * PAGE;
            long hi = lo + (1 + rnd.nextInt(4)) * PAGE;
            int limit = 1 + rnd.nextInt(8);
            long searchLimit = 1 + rnd.nextInt(all.size() + 10);
            VmLog.Touches got = vmLog.lastTouching(F, lo, hi, limit, searchLimit);
            List<VmLogRecord> want = new ArrayList<>();
            long searched = 0;
            for (int k = all.size() - 1;
                    k >= 0 && searched < searchLimit && want.size() < limit;
                    k--) {
                searched++;
                var e = all.get(k).entry();
                if (e.iova() < hi && e.iova() + e.range() > lo) {
                    want.add(all.get(k));
                }
            }
            assertEquals(
                    new VmLog.Touches(want, searched, all.size()),
                    got,
                    "seed " + seed + " [" + lo + ", " + hi + ")");
        }

        for (int i = 0; i < 20; i++) {
            long iova = VA_START - 4 * PAGE + rnd.nextInt((WINDOW_PAGES + 24) * (int) PAGE);
            Event.GpuFault fault =
                    new Event.GpuFault(F, iova, rnd.nextBoolean(), "TRANSLATION", null);
            Outcome o = t.ok(fault);
            CrashState s = CrashCapture.capture(o, fault, t.queries());
            List<Va> vas = t.queries().vas(F, 0, -1L);
            Va containing = null;
            List<CrashState.Match> want = new java.util.ArrayList<>();
            List<Long> wantAt = new java.util.ArrayList<>();
            for (Va va : vas) {
                if (va.addr() <= iova && iova < va.end()) {
                    containing = va;
                }
                if (va.isNull() || va.addr() > iova) {
                    continue;
                }
                if (iova < va.end()) {
                    want.add(0, CrashState.Match.CONTAINS);
                    wantAt.add(0, va.addr());
                } else if (iova < va.end() + va.range()) {
                    want.add(CrashState.Match.NEAR);
                    wantAt.add(va.addr());
                }
            }
            String where = "seed " + seed + " iova " + Long.toHexString(iova);
            List<CrashState.Mark> marks = s.attribution().marks();
            assertEquals(
                    new java.util.HashSet<>(wantAt),
                    new java.util.HashSet<>(marks.stream().map(m -> m.buffer().iova()).toList()),
                    where + ": every VA crashdec marks");
            for (int k = 1; k < marks.size(); k++) {
                CrashState.Buffer a = marks.get(k - 1).buffer();
                CrashState.Buffer b = marks.get(k).buffer();
                assertTrue(
                        marks.get(k).match() == CrashState.Match.NEAR
                                && (marks.get(k - 1).match() == CrashState.Match.CONTAINS
                                        || iova - a.iova() - a.size()
                                                <= iova - b.iova() - b.size()),
                        where + ": nearest first");
            }
            assertEquals(containing, s.attribution().containing(), where);
            CrashState.Match match =
                    containing == null || containing.isNull()
                            ? CrashState.Match.NONE
                            : CrashState.Match.CONTAINS;
            assertEquals(
                    match == CrashState.Match.CONTAINS,
                    s.ptes().get(3) != 0,
                    where + ": a VM_BIND VA is mapped");
            assertEquals(match == CrashState.Match.CONTAINS, s.attribution().populated(), where);
            for (int level = 0; level < 3; level++) {
                assertTrue(
                        s.ptes().get(level) != 0 || s.ptes().get(level + 1) == 0,
                        where + ": the walk stops at an empty entry");
            }
            assertEquals(
                    vas.stream().filter(v -> !v.isNull()).count(),
                    s.bos().size(),
                    where + ": NULL VAs skipped");
        }
    }

    private static List<VmLogRecord> log(LedgerFixture t) {
        List<VmLogRecord> out = new ArrayList<>();
        try (Cursor<VmLogRecord> c =
                t.ledgerTables().vmLog().range(CompositeKey.of(F, 0), CompositeKey.lastOf(F))) {
            while (c.hasNext()) {
                out.add(c.next().getValue());
            }
        }
        return out;
    }
}
