package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.PAGE;
import static io.vmledger.core.LedgerFixture.Q;
import static io.vmledger.core.LedgerFixture.VA_SIZE;
import static io.vmledger.core.LedgerFixture.VA_START;
import static io.vmledger.core.LedgerFixture.bind;
import static io.vmledger.core.LedgerFixture.kinds;
import static io.vmledger.core.LedgerFixture.map;
import static io.vmledger.core.LedgerFixture.mapNull;
import static io.vmledger.core.LedgerFixture.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.Madv;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.gpuvm.Va;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VM_BIND ioctl's checks, one test per rule, in the kernel's order (kernel-semantics §3.3
 * checks 2–5 and 11, §3.4 per op and lookups). Every rejection must leave the device exactly as it
 * was: VAs, page-table counters, VM log, usability and BOs (§3.4 last line).
 */
class VmBindValidationTest {
    /** VM_BIND context with PRR and queue 1. */
    private static final long F = 1;

    /** Second VM_BIND context; holds the only handle on {@link #FOREIGN_BO}. */
    private static final long F2 = 2;

    /** 8 KiB BO held by F. */
    private static final long BO = 10;

    /** 64 KiB BO held by F, already mapped at VA_START (so "nothing changed" has content). */
    private static final long MAPPED_BO = 11;

    /** BO held by F2 only. */
    private static final long FOREIGN_BO = 20;

    private LedgerFixture t;

    @BeforeEach
    void setUp() {
        t = new LedgerFixture();
        t.vmBindFile(F);
        t.vmBindFile(F2);
        t.boNew(F, BO, 0x2000);
        t.boNew(F, MAPPED_BO, 0x10000);
        t.boNew(F2, FOREIGN_BO, 0x2000);
        t.ok(bind(F, map(MAPPED_BO, 0, VA_START, 0x4000)));
    }

    /** Applies a VM_BIND that must fail with {@code errno} and change nothing observable. */
    private Outcome rejected(Event.VmBind e, Errno errno) {
        LedgerFixture.Snapshot before = t.snapshot();
        Outcome o = t.error(e, errno);
        assertEquals(
                before, t.snapshot(), () -> "a rejected VM_BIND changed state: " + e + " -> " + o);
        assertTrue(o.ops() == null || o.ops().isEmpty(), "no ops on an error");
        assertTrue(o.effects().isEmpty(), "no effects on an error");
        return o;
    }

    private static Event.VmBind withOp(VmBindOp op) {
        return bind(F, op);
    }

    // ---- ioctl-level checks, §3.3 ----

    @Test
    void ebadfForFileNeverOpened() {
        // Our own rule (not a kernel check): the event names a drm_file that is not open.
        rejected(
                new Event.VmBind(99, Q, 0, List.of(map(BO, 0, VA_START + 0x100000, PAGE))),
                Errno.EBADF);
    }

    @Test
    void ebadfForClosedFile() {
        t.ok(new Event.FileClose(F2));
        rejected(new Event.VmBind(F2, Q, 0, List.of(mapNull(VA_START, PAGE))), Errno.EBADF);
    }

    @Test
    void epipeOnUnusableVmAfterGpuHang() {
        // §3.3 check 2 / §3.6 (c): a hang of a VM_BIND context marks its VM unusable for good.
        t.ok(new Event.GpuHang(F));
        assertTrue(t.vm(F).vm().unusable());
        rejected(withOp(map(BO, 0, VA_START + 0x100000, PAGE)), Errno.EPIPE);
        assertTrue(t.vm(F).vm().unusable(), "unusable is never cleared");
    }

    @Test
    void epipeIsCheckedBeforeIoctlFlagsQueueAndOps() {
        // §3.3: check 2 (EPIPE) precedes checks 4, 5 and 11.
        t.ok(new Event.GpuHang(F));
        VmBindOp badOp = new VmBindOp(3, BO, 0x800, 1, 0, 0x2);
        rejected(new Event.VmBind(F, 99, 0x4, List.of(badOp)), Errno.EPIPE);
    }

    @Test
    void einvalForNonVmBindContext() {
        // §3.3 check 3.
        t.legacyFile(5);
        rejected(new Event.VmBind(5, 0, 0, List.of(mapNull(VA_START, PAGE))), Errno.EINVAL);
    }

    @Test
    void nonVmBindContextIsCheckedBeforeFlagsAndQueue() {
        // §3.3: check 3 (EINVAL) wins over a missing queue (check 5, ENOENT).
        t.legacyFile(5);
        rejected(new Event.VmBind(5, 42, 0x4, List.of()), Errno.EINVAL);
    }

    @ParameterizedTest(name = "ioctl flags {0}")
    @ValueSource(longs = {0x4, 0x8, 0x7, 0x80000000L, Long.MIN_VALUE})
    void einvalForInvalidIoctlFlags(long flags) {
        // §3.3 check 4: flags & ~(FENCE_FD_IN|FENCE_FD_OUT).
        rejected(
                new Event.VmBind(F, Q, flags, List.of(mapNull(VA_START + 0x100000, PAGE))),
                Errno.EINVAL);
    }

    @ParameterizedTest(name = "ioctl flags {0}")
    @ValueSource(longs = {0x0, 0x1, 0x2, 0x3})
    void fenceFdFlagsAreAccepted(long flags) {
        // §3.1: MSM_VM_BIND_FENCE_FD_IN = 1, FENCE_FD_OUT = 2.
        t.ok(new Event.VmBind(F, Q, flags, List.of(mapNull(VA_START + 0x100000, PAGE))));
    }

    @Test
    void invalidIoctlFlagsAreCheckedBeforeTheQueue() {
        // §3.3: check 4 (EINVAL) precedes check 5 (ENOENT).
        rejected(new Event.VmBind(F, 42, 0x4, List.of()), Errno.EINVAL);
    }

    @Test
    void enoentForMissingQueue() {
        // §3.3 check 5.
        rejected(
                new Event.VmBind(F, 7, 0, List.of(mapNull(VA_START + 0x100000, PAGE))),
                Errno.ENOENT);
    }

    @Test
    void enoentForClosedQueue() {
        t.ok(new Event.SubmitqueueNew(F, 2, true));
        t.ok(new Event.SubmitqueueClose(F, 2));
        rejected(
                new Event.VmBind(F, 2, 0, List.of(mapNull(VA_START + 0x100000, PAGE))),
                Errno.ENOENT);
    }

    @Test
    void einvalForDefaultQueueZero() {
        // §3.2/§3.3 check 5: queue 0 always exists and is not a VM_BIND queue.
        rejected(
                new Event.VmBind(F, 0, 0, List.of(mapNull(VA_START + 0x100000, PAGE))),
                Errno.EINVAL);
    }

    @Test
    void einvalForQueueWithoutVmBindFlag() {
        t.ok(new Event.SubmitqueueNew(F, 3, false));
        rejected(
                new Event.VmBind(F, 3, 0, List.of(mapNull(VA_START + 0x100000, PAGE))),
                Errno.EINVAL);
    }

    @Test
    void queueIsCheckedBeforeOps() {
        // §3.3: check 5 precedes op parsing (11); a missing queue reports ENOENT even with a bad
        // op.
        rejected(
                new Event.VmBind(F, 7, 0, List.of(new VmBindOp(3, null, 1, 1, 1, 0x2))),
                Errno.ENOENT);
    }

    // ---- per-op checks, §3.4 (all EINVAL) ----

    @ParameterizedTest(name = "op flags {0}")
    @ValueSource(longs = {0x2, 0x3, 0x100000000L, Long.MIN_VALUE})
    void einvalForInvalidOpFlags(long flags) {
        rejected(
                withOp(new VmBindOp(VmBindOp.MAP, BO, 0, VA_START + 0x100000, PAGE, flags)),
                Errno.EINVAL);
    }

    @Test
    void dumpFlagIsAcceptedOnUnmapAndMapNullAndIgnoredThere() {
        // §3.4: DUMP is accepted on UNMAP/MAP_NULL and ignored; §3.10: never set by MAP_NULL.
        t.ok(
                withOp(
                        new VmBindOp(
                                VmBindOp.MAP_NULL,
                                null,
                                0,
                                VA_START + 0x100000,
                                PAGE,
                                VmBindOp.FLAG_DUMP)));
        Va nullVa =
                t.vm(F).vas().stream()
                        .filter(v -> v.addr() == VA_START + 0x100000)
                        .findFirst()
                        .orElseThrow();
        assertFalse(nullVa.dump(), "MAP_NULL never sets MSM_VMA_DUMP");
        t.ok(
                withOp(
                        new VmBindOp(
                                VmBindOp.UNMAP,
                                null,
                                0,
                                VA_START + 0x100000,
                                PAGE,
                                VmBindOp.FLAG_DUMP)));
    }

    @Test
    void einvalForUnalignedIova() {
        rejected(withOp(map(BO, 0, VA_START + 0x100800, PAGE)), Errno.EINVAL);
    }

    @Test
    void einvalForUnalignedObjOffset() {
        rejected(withOp(map(BO, 0x800, VA_START + 0x100000, PAGE)), Errno.EINVAL);
    }

    @Test
    void einvalForUnalignedRange() {
        rejected(withOp(map(BO, 0, VA_START + 0x100000, 0x1800)), Errno.EINVAL);
    }

    @Test
    void unalignedObjOffsetIsRejectedEvenOnUnmap() {
        // §3.4: the alignment checks apply to every op (obj_offset MBZ is not enforced, alignment
        // is).
        rejected(withOp(new VmBindOp(VmBindOp.UNMAP, null, 0x10, VA_START, PAGE, 0)), Errno.EINVAL);
    }

    @Test
    void einvalForRangeBelowWindow() {
        // §1.2 / §3.4 "invalid range": addr >= mm_start.
        rejected(withOp(mapNull(VA_START - PAGE, PAGE)), Errno.EINVAL);
    }

    @Test
    void einvalForRangeEndingBeyondWindow() {
        // §1.2: addr + range <= mm_start + mm_range.
        rejected(withOp(mapNull(VA_START + VA_SIZE - PAGE, 2 * PAGE)), Errno.EINVAL);
    }

    @Test
    void rangeEndingExactlyAtWindowEndIsValid() {
        t.ok(withOp(mapNull(VA_START + VA_SIZE - PAGE, PAGE)));
    }

    @Test
    void einvalForU64OverflowEvenWhenTheWrappedEndLiesInTheWindow() {
        // §1.2 rule 1: addr + range must not overflow u64. Window [0xffff000000000000,
        // 0xfffffffffffff000): iova 0xfffffffffffff000 + 0x2000 wraps to 0x1000, which would pass
        // the window test alone.
        t.ok(new Event.FileOpen(7, true, 0xffff000000000000L, 0xfffffffff000L, true));
        t.ok(new Event.SubmitqueueNew(7, Q, true));
        t.ok(bind(7, mapNull(0xffffffffffffe000L, PAGE)));
        rejected(bind(7, mapNull(0xfffffffffffff000L, 0x2000)), Errno.EINVAL);
        rejected(bind(7, unmap(0xfffffffffffff000L, 0x2000)), Errno.EINVAL);
    }

    @Test
    void einvalForU64OverflowInDefaultWindow() {
        rejected(withOp(mapNull(0xfffffffffffff000L, 0x2000)), Errno.EINVAL);
    }

    @Test
    void einvalForMapWithHandleZero() {
        // §3.4 "invalid handle": MAP needs a non-zero handle.
        rejected(
                withOp(new VmBindOp(VmBindOp.MAP, null, 0, VA_START + 0x100000, PAGE, 0)),
                Errno.EINVAL);
    }

    @Test
    void einvalForUnmapWithHandle() {
        // §3.4 "handle must be zero".
        rejected(withOp(new VmBindOp(VmBindOp.UNMAP, BO, 0, VA_START, PAGE, 0)), Errno.EINVAL);
    }

    @Test
    void einvalForMapNullWithHandle() {
        rejected(
                withOp(new VmBindOp(VmBindOp.MAP_NULL, BO, 0, VA_START + 0x100000, PAGE, 0)),
                Errno.EINVAL);
    }

    @ParameterizedTest(name = "op code {0}")
    @ValueSource(longs = {3, 4, 0xffffffffL, 0x100000001L, -1L})
    void einvalForInvalidOpCode(long code) {
        // §3.4 "invalid op": op not in {0, 1, 2}.
        rejected(withOp(new VmBindOp(code, null, 0, VA_START + 0x100000, PAGE, 0)), Errno.EINVAL);
        rejected(withOp(new VmBindOp(code, BO, 0, VA_START + 0x100000, PAGE, 0)), Errno.EINVAL);
    }

    @Test
    void einvalForMapNullWithoutPrr() {
        // §3.4 "PRR not supported" (S5); MAP on the same context is unaffected.
        t.ok(new Event.FileOpen(4, true, VA_START, VA_SIZE, false));
        t.ok(new Event.SubmitqueueNew(4, Q, true));
        t.boNew(4, 40, 0x1000);
        rejected(bind(4, mapNull(VA_START, PAGE)), Errno.EINVAL);
        t.ok(bind(4, map(40, 0, VA_START, PAGE)));
        t.ok(bind(4, unmap(VA_START, PAGE)));
    }

    // ---- lookups after parsing, §3.4 ----

    @Test
    void einvalNotEnoentForHandleOfAnotherFile() {
        // §3.4: handle not found → EINVAL ("invalid handle %u at index %u"), not ENOENT.
        rejected(withOp(map(FOREIGN_BO, 0, VA_START + 0x100000, PAGE)), Errno.EINVAL);
    }

    @Test
    void einvalForHandleOfNoBo() {
        rejected(withOp(map(999, 0, VA_START + 0x100000, PAGE)), Errno.EINVAL);
    }

    @Test
    void einvalForHandleClosedWhileBoStillMapped() {
        t.ok(new Event.HandleClose(F, MAPPED_BO));
        assertTrue(t.bo(MAPPED_BO).alive(), "kept alive by its mapping");
        rejected(withOp(map(MAPPED_BO, 0, VA_START + 0x100000, PAGE)), Errno.EINVAL);
    }

    @Test
    void einvalWhenObjOffsetPlusRangeExceedsBoSize() {
        // §3.4 (Aug 2025 fix, S18): range + obj_offset > obj.size.
        rejected(withOp(map(BO, PAGE, VA_START + 0x100000, 0x2000)), Errno.EINVAL);
        rejected(withOp(map(BO, 0, VA_START + 0x100000, 0x3000)), Errno.EINVAL);
    }

    @Test
    void objOffsetPlusRangeEqualToBoSizeIsAccepted() {
        t.ok(withOp(map(BO, PAGE, VA_START + 0x100000, PAGE)));
        t.ok(withOp(map(BO, 0, VA_START + 0x200000, 0x2000)));
    }

    @Test
    void sizeCheckUsesThePageAlignedBoSize() {
        // GEM_NEW rounds the size up to whole pages, and §3.4 compares against obj.size.
        t.boNew(F, 12, 0x1800);
        t.ok(withOp(map(12, 0, VA_START + 0x100000, 0x2000)));
        rejected(withOp(map(12, 0, VA_START + 0x200000, 0x3000)), Errno.EINVAL);
    }

    @Test
    void unsignedWrapOfObjOffsetPlusRangeIsAcceptedAsKernelQuirk() {
        // §3.4: the size check's addition is not overflow-checked: 0xfffffffffffff000 + 0x2000
        // wraps to 0x1000 <= 8 KiB, so the kernel accepts the op.
        long offset = 0xfffffffffffff000L;
        Outcome o = t.ok(withOp(map(BO, offset, VA_START + 0x100000, 0x2000)));
        assertTrue(
                kinds(o).contains(Effect.Kind.KERNEL_QUIRK),
                () -> "quirk reported: " + o.effects());
        Va va =
                t.vm(F).vas().stream()
                        .filter(v -> v.addr() == VA_START + 0x100000)
                        .findFirst()
                        .orElseThrow();
        assertEquals(new Va(VA_START + 0x100000, 0x2000, BO, offset, false), va);
    }

    @Test
    void allOpsAreParsedBeforeAnyHandleIsLookedUp() {
        // §3.4: parsing of every op precedes the lookups, so the invalid op at index 1 is reported,
        // not the unknown handle at index 0.
        Outcome o =
                rejected(
                        bind(
                                F,
                                map(999, 0, VA_START + 0x100000, PAGE),
                                new VmBindOp(VmBindOp.MAP, BO, 0, VA_START + 0x200000, PAGE, 0x2)),
                        Errno.EINVAL);
        assertTrue(o.reason().contains("op 1"), () -> "reason names op 1: " + o.reason());
        assertFalse(o.reason().contains("index 0"), () -> "no lookup happened: " + o.reason());
    }

    @Test
    void parsingStopsAtTheFirstBadOp() {
        Outcome o =
                rejected(
                        bind(
                                F,
                                mapNull(VA_START + 0x100800, PAGE),
                                new VmBindOp(VmBindOp.MAP_NULL, null, 0, VA_START, PAGE, 0x2)),
                        Errno.EINVAL);
        assertTrue(o.reason().contains("op 0"), () -> "reason names op 0: " + o.reason());
        assertFalse(o.reason().contains("op 1"), () -> "parsing stopped at op 0: " + o.reason());
    }

    @Test
    void lookupsRunInOpOrder() {
        Outcome o =
                rejected(
                        bind(
                                F,
                                map(999, 0, VA_START + 0x100000, PAGE),
                                map(BO, 0, VA_START + 0x200000, 0x3000)),
                        Errno.EINVAL);
        assertTrue(
                o.reason().contains("index 0"), () -> "first lookup failure wins: " + o.reason());
    }

    @Test
    void aBadLastOpRejectsTheWholeIoctl() {
        // §3.3 step 11: any failure → nothing changed, also for the valid ops before it.
        rejected(
                bind(
                        F,
                        unmap(VA_START, 0x4000),
                        mapNull(VA_START + 0x100000, PAGE),
                        map(BO, 0, VA_START + 0x200000, 0x3000)),
                Errno.EINVAL);
    }

    // ---- pin check, §3.3 step 14 ----

    @Test
    void ebusyForMapOfDontneedBoWithPreallocStillReported() {
        t.ok(new Event.Madvise(BO, Madv.DONTNEED));
        Outcome o = rejected(withOp(map(BO, 0, VA_START + 0x100000, PAGE)), Errno.EBUSY);
        // §3.3 step 12 (count) runs before step 14 (pin); §5.3 example 1 → 3.
        assertEquals(3L, o.preallocPages());
    }

    @Test
    void ebusyForMapOfPurgedBo() {
        t.ok(new Event.Madvise(BO, Madv.DONTNEED));
        t.ok(new Event.Madvise(BO, Madv.PURGED));
        rejected(withOp(map(BO, 0, VA_START + 0x100000, PAGE)), Errno.EBUSY);
    }

    @Test
    void lookupErrorsWinOverEbusy() {
        // §3.3: lookups (11) precede the pin (14).
        t.ok(new Event.Madvise(BO, Madv.DONTNEED));
        rejected(
                bind(
                        F,
                        map(BO, 0, VA_START + 0x100000, PAGE),
                        map(999, 0, VA_START + 0x200000, PAGE)),
                Errno.EINVAL);
    }

    @Test
    void dontneedBoCanStillBeUnmapped() {
        t.ok(new Event.Madvise(MAPPED_BO, Madv.DONTNEED));
        t.ok(withOp(unmap(VA_START, 0x4000)));
        assertTrue(t.vm(F).vas().isEmpty());
    }

    // ---- accepted edge cases, §3.4 "Not rejected" ----

    @Test
    void zeroOpsAreAcceptedWithZeroPrealloc() {
        LedgerFixture.Snapshot before = t.snapshot();
        Outcome o = t.ok(bind(F));
        assertEquals(0L, o.preallocPages());
        assertTrue(o.ops().isEmpty());
        assertEquals(before, t.snapshot());
    }

    @Test
    void zeroRangeIsAcceptedAsKernelQuirkWithNoSteps() {
        LedgerFixture.Snapshot before = t.snapshot();
        Outcome o = t.ok(withOp(map(BO, 0, VA_START, 0)));
        assertTrue(
                kinds(o).contains(Effect.Kind.KERNEL_QUIRK),
                () -> "quirk reported: " + o.effects());
        assertEquals(1, o.ops().size());
        assertTrue(o.ops().get(0).steps().isEmpty());
        assertTrue(o.ops().get(0).pt().isEmpty());
        assertEquals(before, t.snapshot());
    }

    @Test
    void mapNullKeepsItsObjOffset() {
        // §3.4: obj_offset != 0 on MAP_NULL is accepted and stored as the VA's offset.
        t.ok(withOp(new VmBindOp(VmBindOp.MAP_NULL, null, 0x5000, VA_START + 0x100000, PAGE, 0)));
        Va va =
                t.vm(F).vas().stream()
                        .filter(v -> v.addr() == VA_START + 0x100000)
                        .findFirst()
                        .orElseThrow();
        assertNull(va.bo());
        assertEquals(0x5000, va.offset());
    }

    @Test
    void unmapOfEmptyRangeSucceedsWithNoSteps() {
        // §1.5: unmapping an empty range emits nothing and succeeds.
        Outcome o = t.ok(withOp(unmap(VA_START + 0x100000, 0x10000)));
        assertTrue(o.ops().get(0).steps().isEmpty());
        assertEquals(0L, o.preallocPages());
    }
}
