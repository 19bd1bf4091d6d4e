package io.vmledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.PtOp;
import io.vmledger.core.fold.Status;
import io.vmledger.core.gpuvm.GpuvmSplit;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.VmLogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized properties of VM_BIND against a page-granular reference model (kernel-semantics
 * §1.3–§1.6 split/merge, §3.5 VMA and page-table ops, §3.8 log, §5.2/§5.4). Every failure message
 * starts with {@code seed=N ioctl#K}: rerun that seed to replay it.
 *
 * <p>The model is the meaning of a VM: per 4 KiB page, what the last op covering it said (BO and
 * byte offset in it, or NULL for MAP_NULL, and the DUMP flag of the MAP that mapped it; REMAP
 * remainders keep their original page contents and DUMP). VA boundaries are not part of the model;
 * they are checked through the steps instead.
 */
class VmBindPropertyTest {
    private static final long P = LedgerFixture.PAGE;

    /** 32 pages below a 2 MiB boundary, so ranges cross it and need a second L3 table. */
    private static final long BASE = 0x1001E0000L;

    private static final int WINDOW_PAGES = 64;
    private static final int IOCTLS = 40;
    private static final int BOS = 3;
    private static final long FILE = 1;

    /** One page of the reference model; {@code bo} null = NULL (PRR) page. */
    record Page(Long bo, long offset, boolean dump) {}

    /** What a populated PTE points at (the page-table view of a page: no DUMP flag). */
    record Pte(Long bo, long offset) {}

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 200);
    }

    /**
     * How often the generator hit the cases the properties are about (guards against a vacuous
     * generator).
     */
    static final class Coverage {
        int multiOp;
        int rejected;
        int zeroRange;
        int keepTrue;
        int inPlaceRemap;
        int remapBothSides;
        int nullRemainder;
        int dumpRemainder;
        int unmapSteps;
    }

    // =====================================================================================
    // The fold against the page model
    // =====================================================================================

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void vmBindFoldMatchesPageModel(long seed) {
        runFold(seed, new Coverage());
    }

    @Test
    void generatorReachesTheInterestingCases() {
        Coverage c = new Coverage();
        for (long seed = 1; seed <= 20; seed++) {
            runFold(seed, c);
        }
        int[] counts = {
            c.multiOp,
            c.rejected,
            c.zeroRange,
            c.keepTrue,
            c.inPlaceRemap,
            c.remapBothSides,
            c.nullRemainder,
            c.dumpRemainder,
            c.unmapSteps
        };
        String names =
                "multiOp rejected zeroRange keepTrue inPlaceRemap remapBothSides nullRemainder dumpRemainder unmapSteps";
        for (int i = 0; i < counts.length; i++) {
            int at = i;
            assertTrue(
                    counts[i] >= 10,
                    () ->
                            "generator rarely reaches "
                                    + names.split(" ")[at]
                                    + ": "
                                    + Arrays.toString(counts));
        }
    }

    private static void runFold(long seed, Coverage cov) {
        Random rnd = new Random(seed);
        LedgerFixture t = new LedgerFixture();
        t.ok(new Event.FileOpen(FILE, true, BASE, WINDOW_PAGES * P, true));
        t.ok(new Event.SubmitqueueNew(FILE, LedgerFixture.Q, true));
        long[] boPages = new long[BOS + 1];
        for (int b = 1; b <= BOS; b++) {
            boPages[b] = 16 + rnd.nextInt(49);
            t.boNew(FILE, b, boPages[b] * P);
        }
        TreeMap<Long, Page> model = new TreeMap<>();

        for (int k = 0; k < IOCTLS; k++) {
            VmView before = t.vm(FILE);
            List<VmBindOp> ops = new ArrayList<>();
            int n = rnd.nextInt(10) < 6 ? 1 : 2 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                ops.add(randomOp(rnd, boPages, before.vas()));
            }
            boolean invalid = rnd.nextInt(25) == 0;
            if (invalid) {
                ops.set(rnd.nextInt(n), oversizeMap(rnd, boPages));
            }
            String where = "seed=" + seed + " ioctl#" + k + " ops=" + describe(ops);
            LedgerFixture.Snapshot snap = t.snapshot();
            Outcome o = t.apply(new Event.VmBind(FILE, LedgerFixture.Q, 0, ops));

            if (n > 1) {
                cov.multiOp++;
            }
            if (invalid) {
                cov.rejected++;
                assertEquals(Status.ERROR, o.status(), () -> where + ": " + o);
                assertEquals(Errno.EINVAL, o.errno(), where);
                assertEquals(snap, t.snapshot(), () -> where + ": a rejected ioctl changed state");
                continue;
            }
            assertEquals(Status.OK, o.status(), () -> where + ": " + o);
            for (VmBindOp op : ops) {
                applyToModel(model, op);
            }
            checkIoctl(where, ops, o, before, t.vm(FILE), model, cov);
            checkBos(where, t, boPages);
        }
    }

    /** Everything that must hold after one accepted ioctl. */
    private static void checkIoctl(
            String where,
            List<VmBindOp> ops,
            Outcome o,
            VmView before,
            VmView after,
            TreeMap<Long, Page> model,
            Coverage cov) {
        long zeroRangeOps = ops.stream().filter(op -> op.range() == 0).count();
        assertFalse(
                o.effects().stream().anyMatch(e -> e.kind() == Effect.Kind.VM_UNUSABLE),
                () -> where + ": job failed: " + o.effects());
        assertEquals(
                zeroRangeOps,
                o.effects().stream().filter(e -> e.kind() == Effect.Kind.KERNEL_QUIRK).count(),
                () -> where + ": one quirk per range-0 op: " + o.effects());
        assertFalse(after.vm().unusable(), where);
        assertEquals(ops.size(), o.ops().size(), where);

        // VAs: sorted, non-overlapping, page-granular, inside the window (§1.1)
        List<Va> vas = after.vas();
        long prevEnd = BASE;
        for (Va va : vas) {
            assertTrue(
                    va.range() > 0 && va.range() % P == 0 && va.addr() % P == 0,
                    () -> where + ": bad VA " + va);
            assertTrue(va.addr() >= prevEnd, () -> where + ": VAs overlap or are unsorted: " + vas);
            prevEnd = va.end();
        }
        assertTrue(prevEnd <= BASE + WINDOW_PAGES * P, () -> where + ": VA outside window " + vas);

        // every page maps what the last covering op said
        assertEquals(model, pages(vas), () -> where + ": pages differ from the model; VAs " + vas);

        // steps and page-table ops of each op, replayed from the state before the ioctl
        TreeMap<Long, Va> vaState = new TreeMap<>();
        before.vas().forEach(v -> vaState.put(v.addr(), v));
        TreeMap<Long, Pte> ptState = ptes(pages(before.vas()));
        List<PtOp> allPt = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            VmBindOp op = ops.get(i);
            OpResult r = o.ops().get(i);
            String w = where + " op#" + i + " " + describe(List.of(op));
            assertEquals(i, r.index(), w);
            checkOp(w, op, r, vaState, ptState, cov);
            allPt.addAll(r.pt());
        }
        assertEquals(
                vas,
                new ArrayList<>(vaState.values()),
                () -> where + ": steps applied in order do not give the VAs");
        assertEquals(
                ptes(model),
                ptState,
                () -> where + ": pt ops applied in order do not give the pages");

        // page table: one PTE per mapped page (§5.4), tables only grow and stay within the
        // reservation (§5.2)
        PageTableStats s0 = before.pagetable();
        PageTableStats s1 = after.pagetable();
        long vaPages = vas.stream().mapToLong(v -> v.range() / P).sum();
        assertEquals(model.size(), s1.ptes(), () -> where + ": ptes vs mapped pages");
        assertEquals(vaPages, s1.ptes(), () -> where + ": ptes vs sum of VA ranges");
        assertTrue(
                s1.l1() >= s0.l1() && s1.l2() >= s0.l2() && s1.l3() >= s0.l3(),
                () -> where + ": tables freed " + s0 + " -> " + s1);
        long consumed = (s1.l1() + s1.l2() + s1.l3()) - (s0.l1() + s0.l2() + s0.l3());
        assertTrue(
                consumed <= o.preallocPages(),
                () -> where + ": consumed " + consumed + " > prealloc " + o.preallocPages());
        assertTrue(
                s1.l1() <= 1 && s1.l2() <= 1 && s1.l3() <= 2,
                () -> where + ": more tables than the window spans " + s1);

        // the log: one entry per performed page-table op, in order, with the queue id (§3.6, §3.8)
        assertEquals(
                before.logTotal() + allPt.size(),
                after.logTotal(),
                () -> where + ": log entries vs pt ops");
        int shown = Math.min(allPt.size(), after.log().size());
        List<VmLogEntry> tail = after.log().subList(after.log().size() - shown, after.log().size());
        List<VmLogEntry> expected =
                allPt.subList(allPt.size() - shown, allPt.size()).stream()
                        .map(
                                p ->
                                        new VmLogEntry(
                                                p.map() ? "map" : "unmap",
                                                LedgerFixture.Q,
                                                p.iova(),
                                                p.range()))
                        .toList();
        assertEquals(expected, tail, () -> where + ": log tail");
    }

    /**
     * One op's steps (§1.3–§1.5) and page-table ops (§3.5), checked against the VA state before it;
     * then both are applied to the running VA and PTE states.
     */
    private static void checkOp(
            String w,
            VmBindOp op,
            OpResult r,
            TreeMap<Long, Va> vaState,
            TreeMap<Long, Pte> ptState,
            Coverage cov) {
        List<SplitStep> steps = r.steps();
        if (op.range() == 0) {
            cov.zeroRange++;
            assertTrue(
                    steps.isEmpty() && r.pt().isEmpty(),
                    () -> w + ": range 0 must do nothing: " + r);
            return;
        }
        long reqAddr = op.iova();
        long reqEnd = op.iova() + op.range();
        List<Va> overlapping =
                vaState.values().stream()
                        .filter(v -> v.addr() < reqEnd && v.end() > reqAddr)
                        .toList();
        Va req =
                op.isMap()
                        ? new Va(
                                op.iova(),
                                op.range(),
                                op.op() == VmBindOp.MAP ? op.bo() : null,
                                op.objOffset(),
                                op.op() == VmBindOp.MAP && op.dump())
                        : null;

        // which VAs are visited, in which order, and the step shape
        List<Va> visited = new ArrayList<>();
        int maps = 0;
        int remaps = 0;
        for (int s = 0; s < steps.size(); s++) {
            SplitStep step = steps.get(s);
            if (step instanceof SplitStep.Map m) {
                maps++;
                assertEquals(steps.size() - 1, s, () -> w + ": MAP must be the last step " + steps);
                assertEquals(req, m.va(), () -> w + ": MAP is exactly the request");
            } else if (step instanceof SplitStep.Unmap u) {
                visited.add(u.va());
                cov.unmapSteps++;
                cov.keepTrue += u.keep() ? 1 : 0;
                assertEquals(expectedKeep(u.va(), req), u.keep(), () -> w + ": keep of " + u);
            } else if (step instanceof SplitStep.Remap rm) {
                remaps++;
                visited.add(rm.unmap());
                cov.keepTrue += rm.keep() ? 1 : 0;
                cov.remapBothSides += rm.prev() != null && rm.next() != null ? 1 : 0;
                cov.nullRemainder += rm.unmap().bo() == null ? 1 : 0;
                cov.dumpRemainder += rm.unmap().dump() ? 1 : 0;
                assertEquals(expectedKeep(rm.unmap(), req), rm.keep(), () -> w + ": keep of " + rm);
                checkRemainders(w, rm, reqAddr, reqEnd);
            }
        }
        assertEquals(
                overlapping,
                visited,
                () -> w + ": visited VAs are exactly the overlapping ones, ascending");
        if (op.isMap()) {
            assertEquals(1, maps, () -> w + ": exactly one MAP step " + steps);
            assertTrue(remaps <= 2, () -> w + ": at most two REMAPs " + steps);
        } else {
            assertEquals(0, maps, () -> w + ": UNMAP op has no MAP step " + steps);
        }

        // the page-table ops msm queues for these steps (§3.5), with the in-place remap
        List<PtOp> expectedPt = new ArrayList<>();
        boolean kept = false;
        for (SplitStep step : steps) {
            if (step instanceof SplitStep.Unmap u) {
                if (u.keep()
                        && op.op() == VmBindOp.MAP
                        && u.va().withDump(req.dump()).equals(req)) {
                    kept = true;
                    cov.inPlaceRemap++;
                } else {
                    expectedPt.add(PtOp.unmap(u.va().addr(), u.va().range()));
                }
            } else if (step instanceof SplitStep.Remap rm) {
                long lo = Math.max(rm.unmap().addr(), reqAddr);
                long hi = Math.min(rm.unmap().end(), reqEnd);
                expectedPt.add(PtOp.unmap(lo, hi - lo));
                long[] range = rm.unmapRange();
                assertEquals(
                        List.of(lo, hi - lo),
                        List.of(range[0], range[1]),
                        () -> w + ": remap_to_unmap_range (§1.6)");
            } else if (step instanceof SplitStep.Map m && !kept) {
                expectedPt.add(
                        PtOp.map(m.va().addr(), m.va().range(), m.va().bo(), m.va().offset()));
            }
        }
        assertEquals(expectedPt, r.pt(), () -> w + ": pt ops for steps " + steps);

        // apply the steps to the VA state
        for (SplitStep step : steps) {
            if (step instanceof SplitStep.Map m) {
                vaState.put(m.va().addr(), m.va());
            } else if (step instanceof SplitStep.Unmap u) {
                assertNotNull(vaState.remove(u.va().addr()), w);
            } else if (step instanceof SplitStep.Remap rm) {
                assertNotNull(vaState.remove(rm.unmap().addr()), w);
                if (rm.prev() != null) {
                    vaState.put(rm.prev().addr(), rm.prev());
                }
                if (rm.next() != null) {
                    vaState.put(rm.next().addr(), rm.next());
                }
            }
        }
        // apply the pt ops to the PTE state: maps only onto empty pages, unmaps only mapped pages
        for (PtOp p : r.pt()) {
            for (long a = p.iova(); a < p.iova() + p.range(); a += P) {
                if (p.map()) {
                    Pte prev = ptState.put(a, new Pte(p.bo(), p.offset() + (a - p.iova())));
                    long at = a;
                    assertNull(
                            prev,
                            () ->
                                    w
                                            + ": pt map over a populated PTE at "
                                            + Long.toHexString(at)
                                            + " (EEXIST)");
                } else {
                    long at = a;
                    assertNotNull(
                            ptState.remove(a),
                            () -> w + ": pt unmap of an empty PTE at " + Long.toHexString(at));
                }
            }
        }
    }

    /**
     * §1.4/§1.5 remainders: prev keeps start and offset, next starts at the request end; both
     * inherit DUMP.
     */
    private static void checkRemainders(String w, SplitStep.Remap rm, long reqAddr, long reqEnd) {
        Va v = rm.unmap();
        assertTrue(
                rm.prev() != null || rm.next() != null,
                () -> w + ": remap without remainder " + rm);
        Va expPrev =
                v.addr() < reqAddr
                        ? new Va(v.addr(), reqAddr - v.addr(), v.bo(), v.offset(), v.dump())
                        : null;
        Va expNext =
                v.end() > reqEnd
                        ? new Va(
                                reqEnd,
                                v.end() - reqEnd,
                                v.bo(),
                                v.offset() + (reqEnd - v.addr()),
                                v.dump())
                        : null;
        assertEquals(expPrev, rm.prev(), () -> w + ": prev of " + rm);
        assertEquals(expNext, rm.next(), () -> w + ": next of " + rm);
    }

    /**
     * §1.4 keep: same non-NULL BO and the offsets agree where the VA and the request meet; never
     * for sm_unmap.
     */
    private static boolean expectedKeep(Va v, Va req) {
        if (req == null || v.bo() == null || !Objects.equals(v.bo(), req.bo())) {
            return false;
        }
        if (v.addr() == req.addr()) {
            return v.offset() == req.offset();
        }
        if (v.addr() < req.addr()) {
            return v.offset() + (req.addr() - v.addr()) == req.offset();
        }
        return v.offset() == req.offset() + (v.addr() - req.addr());
    }

    /**
     * A BO stays alive here (its handle is never closed) and is referenced once per VA mapping it
     * (§2).
     */
    private static void checkBos(String where, LedgerFixture t, long[] boPages) {
        List<Va> vas = t.vm(FILE).vas();
        for (int b = 1; b <= BOS; b++) {
            long bo = b;
            BoRecord rec = t.bo(bo);
            assertTrue(rec.alive(), where);
            assertEquals(
                    vas.stream().filter(v -> Objects.equals(v.bo(), bo)).count(),
                    rec.vmas(),
                    () -> where + ": vmas of bo " + bo);
            assertEquals(boPages[b] * P, rec.size(), where);
        }
    }

    // ---- the reference model ----

    private static void applyToModel(TreeMap<Long, Page> model, VmBindOp op) {
        for (long d = 0; d < op.range(); d += P) {
            long page = op.iova() + d;
            if (op.op() == VmBindOp.UNMAP) {
                model.remove(page);
            } else if (op.op() == VmBindOp.MAP) {
                model.put(page, new Page(op.bo(), op.objOffset() + d, op.dump()));
            } else {
                model.put(page, new Page(null, op.objOffset() + d, false));
            }
        }
    }

    private static TreeMap<Long, Page> pages(List<Va> vas) {
        TreeMap<Long, Page> out = new TreeMap<>();
        for (Va v : vas) {
            for (long d = 0; d < v.range(); d += P) {
                out.put(v.addr() + d, new Page(v.bo(), v.offset() + d, v.dump()));
            }
        }
        return out;
    }

    private static TreeMap<Long, Pte> ptes(Map<Long, Page> pages) {
        TreeMap<Long, Pte> out = new TreeMap<>();
        pages.forEach((a, p) -> out.put(a, new Pte(p.bo(), p.offset())));
        return out;
    }

    // ---- generators ----

    private static VmBindOp randomOp(Random rnd, long[] boPages, List<Va> current) {
        int kind = rnd.nextInt(100);
        if (kind < 10 && !current.isEmpty()) {
            // exactly an existing VA again (in-place remap for BO VAs, §3.5), DUMP random
            Va v = current.get(rnd.nextInt(current.size()));
            return v.bo() == null
                    ? new VmBindOp(VmBindOp.MAP_NULL, null, v.offset(), v.addr(), v.range(), 0)
                    : new VmBindOp(
                            VmBindOp.MAP,
                            v.bo(),
                            v.offset(),
                            v.addr(),
                            v.range(),
                            rnd.nextBoolean() ? 1 : 0);
        }
        if (kind < 20 && !current.isEmpty()) {
            // same BO, offset contiguous with an existing VA: keep=true cases (§1.4)
            Va v = current.get(rnd.nextInt(current.size()));
            if (v.bo() != null) {
                long pages = boPages[(int) (long) v.bo()];
                long startPage = (v.addr() - BASE) / P + rnd.nextInt(7) - 3;
                long len = 1 + rnd.nextInt(12);
                long off = v.offset() + (startPage * P + BASE - v.addr());
                if (startPage >= 0
                        && startPage + len <= WINDOW_PAGES
                        && off >= 0
                        && off / P + len <= pages) {
                    return new VmBindOp(
                            VmBindOp.MAP,
                            v.bo(),
                            off,
                            BASE + startPage * P,
                            len * P,
                            rnd.nextInt(3) == 0 ? 1 : 0);
                }
            }
        }
        if (kind < 60) {
            int bo = 1 + rnd.nextInt(BOS);
            int len = 1 + rnd.nextInt((int) Math.min(24, boPages[bo]));
            long iovaPage = rnd.nextInt(WINDOW_PAGES - len + 1);
            long offPage = rnd.nextInt((int) (boPages[bo] - len + 1));
            return new VmBindOp(
                    VmBindOp.MAP,
                    (long) bo,
                    offPage * P,
                    BASE + iovaPage * P,
                    len * P,
                    rnd.nextInt(3) == 0 ? VmBindOp.FLAG_DUMP : 0);
        }
        if (kind < 75) {
            int len = 1 + rnd.nextInt(16);
            long iovaPage = rnd.nextInt(WINDOW_PAGES - len + 1);
            return new VmBindOp(
                    VmBindOp.MAP_NULL,
                    null,
                    rnd.nextInt(4) * P,
                    BASE + iovaPage * P,
                    len * P,
                    rnd.nextInt(5) == 0 ? VmBindOp.FLAG_DUMP : 0);
        }
        if (kind < 97) {
            int len = 1 + rnd.nextInt(32);
            long iovaPage = rnd.nextInt(WINDOW_PAGES - len + 1);
            return new VmBindOp(
                    VmBindOp.UNMAP,
                    null,
                    0,
                    BASE + iovaPage * P,
                    len * P,
                    rnd.nextInt(10) == 0 ? VmBindOp.FLAG_DUMP : 0);
        }
        // range 0: accepted, does nothing (§3.4 "Not rejected")
        return new VmBindOp(VmBindOp.MAP_NULL, null, 0, BASE + rnd.nextInt(WINDOW_PAGES) * P, 0, 0);
    }

    /** A MAP whose obj_offset + range exceeds its BO (§3.4 size check → EINVAL). */
    private static VmBindOp oversizeMap(Random rnd, long[] boPages) {
        int bo = 1 + rnd.nextInt(BOS);
        int len = 1 + rnd.nextInt(8);
        long offPage = boPages[bo] - len + 1 + rnd.nextInt(4);
        return new VmBindOp(VmBindOp.MAP, (long) bo, offPage * P, BASE, len * P, 0);
    }

    private static String describe(List<VmBindOp> ops) {
        StringBuilder sb = new StringBuilder("[");
        for (VmBindOp op : ops) {
            String name =
                    op.op() == VmBindOp.MAP
                            ? "map"
                            : op.op() == VmBindOp.MAP_NULL ? "map_null" : "unmap";
            sb.append(
                    String.format(
                            "{%s bo=%s off=0x%x iova=0x%x range=0x%x%s}",
                            name,
                            op.bo(),
                            op.objOffset(),
                            op.iova(),
                            op.range(),
                            op.dump() ? " dump" : ""));
        }
        return sb.append(']').toString();
    }

    // =====================================================================================
    // The pure drm_gpuvm split functions against the same page model (§1.3–§1.6)
    // =====================================================================================

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gpuvmSplitMatchesPageModel(long seed) {
        Random rnd = new Random(seed * 7919);
        for (int c = 0; c < 25; c++) {
            String where = "seed=" + seed + " case#" + c;
            List<Va> existing = randomVas(rnd);
            int len = 1 + rnd.nextInt(20);
            long addr = BASE + rnd.nextInt(WINDOW_PAGES - len + 1) * P;
            long end = addr + len * P;
            List<Va> overlapping =
                    existing.stream().filter(v -> v.addr() < end && v.end() > addr).toList();
            boolean isMap = rnd.nextInt(3) != 0;
            Va req = isMap ? randomRequest(rnd, existing, addr, len * P) : null;
            List<SplitStep> steps =
                    isMap
                            ? GpuvmSplit.smMap(overlapping, req)
                            : GpuvmSplit.smUnmap(overlapping, addr, len * P);
            String w =
                    where
                            + " existing="
                            + existing
                            + " req="
                            + (isMap ? req : "unmap " + addr + "+" + len * P)
                            + " steps="
                            + steps;

            TreeMap<Long, Page> expected = pages(existing);
            for (long a = addr; a < end; a += P) {
                if (isMap) {
                    expected.put(a, new Page(req.bo(), req.offset() + (a - addr), req.dump()));
                } else {
                    expected.remove(a);
                }
            }
            TreeMap<Long, Va> state = new TreeMap<>();
            existing.forEach(v -> state.put(v.addr(), v));
            List<Va> visited = new ArrayList<>();
            int maps = 0;
            int remaps = 0;
            for (SplitStep s : steps) {
                if (s instanceof SplitStep.Map m) {
                    maps++;
                    assertEquals(req, m.va(), w);
                    assertNull(state.put(m.va().addr(), m.va()), w);
                } else if (s instanceof SplitStep.Unmap u) {
                    visited.add(u.va());
                    assertEquals(expectedKeep(u.va(), req), u.keep(), w);
                    assertNotNull(state.remove(u.va().addr()), w);
                } else if (s instanceof SplitStep.Remap rm) {
                    remaps++;
                    visited.add(rm.unmap());
                    assertEquals(expectedKeep(rm.unmap(), req), rm.keep(), w);
                    checkRemainders(w, rm, addr, end);
                    assertNotNull(state.remove(rm.unmap().addr()), w);
                    if (rm.prev() != null) {
                        state.put(rm.prev().addr(), rm.prev());
                    }
                    if (rm.next() != null) {
                        state.put(rm.next().addr(), rm.next());
                    }
                } else {
                    fail(w + ": unknown step " + s);
                }
            }
            final int mapCount = maps;
            final int remapCount = remaps;
            assertEquals(
                    overlapping, visited, () -> w + ": visits exactly the overlapping VAs (§1.3)");
            assertEquals(isMap ? 1 : 0, mapCount, w);
            assertTrue(remapCount <= 2, w);
            if (isMap) {
                assertTrue(steps.get(steps.size() - 1) instanceof SplitStep.Map, w);
            }
            List<Va> result = new ArrayList<>(state.values());
            long prevEnd = 0;
            for (Va v : result) {
                assertTrue(
                        Long.compareUnsigned(v.addr(), prevEnd) >= 0,
                        () -> w + ": result overlaps " + result);
                prevEnd = v.end();
            }
            Supplier<String> msg = () -> w + ": result " + result;
            assertEquals(expected, pages(result), msg);
            // untouched VAs survive as they were (no coalescing, §1.4)
            for (Va v : existing) {
                if (!overlapping.contains(v)) {
                    assertEquals(v, state.get(v.addr()), msg);
                }
            }
        }
    }

    /** Non-overlapping VAs in the window: BO 1, BO 2 or NULL, random offsets and DUMP. */
    private static List<Va> randomVas(Random rnd) {
        List<Va> out = new ArrayList<>();
        long page = rnd.nextInt(4);
        while (page < WINDOW_PAGES) {
            long len = 1 + rnd.nextInt(10);
            if (page + len > WINDOW_PAGES) {
                break;
            }
            if (rnd.nextInt(4) != 0) {
                Long bo = rnd.nextInt(3) == 0 ? null : (long) (1 + rnd.nextInt(2));
                out.add(
                        new Va(
                                BASE + page * P,
                                len * P,
                                bo,
                                rnd.nextInt(16) * P,
                                bo != null && rnd.nextBoolean()));
            }
            page += len + (rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0);
        }
        return out;
    }

    /**
     * A map request; often contiguous with an existing VA of the same BO so that keep can be true.
     */
    private static Va randomRequest(Random rnd, List<Va> existing, long addr, long range) {
        if (!existing.isEmpty() && rnd.nextBoolean()) {
            Va v = existing.get(rnd.nextInt(existing.size()));
            long off = v.offset() + (addr - v.addr());
            if (v.bo() != null && off >= 0) {
                return new Va(addr, range, v.bo(), off, rnd.nextBoolean());
            }
        }
        Long bo = rnd.nextInt(4) == 0 ? null : (long) (1 + rnd.nextInt(2));
        return new Va(addr, range, bo, rnd.nextInt(16) * P, bo != null && rnd.nextBoolean());
    }
}
