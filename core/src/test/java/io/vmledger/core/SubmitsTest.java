package io.vmledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.dump.CrashState;
import io.vmledger.core.event.Event;
import io.vmledger.core.event.Madv;
import io.vmledger.core.event.SubmitBo;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.ledger.Applied;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GEM_SUBMIT as vmledger models it (docs/kernel-model.md, "Submits"): the BO table's lookup and
 * pins for the submit's lifetime, its validation, the kernel's capture policy (first fault of a
 * submit, one dump held for 5 minutes), and the dump of a legacy context listing the faulting
 * submit's table.
 */
class SubmitsTest {
    private static final long MIN = 60_000_000L;

    private static Event.Submit submit(long file, long id, SubmitBo... bos) {
        return new Event.Submit(file, 0, id, List.of(bos));
    }

    private static SubmitBo read(long bo) {
        return new SubmitBo(bo, SubmitBo.READ, null);
    }

    @Test
    void aLegacySubmitMapsItsBosInTableOrderAndPinsThemUntilItRetires() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 10, 0x4000);
        t.boNew(1, 11, 0x1000);
        t.ok(new Event.GetIova(1, 11, null));
        t.ok(submit(1, 5, new SubmitBo(10, SubmitBo.READ | SubmitBo.DUMP, null), read(11)));
        assertEquals(1, t.bo(10).pins());
        assertEquals(1, t.bo(11).pins());
        assertEquals(2, t.vm(1).vas().size(), "bo 10 looked up (mapped), bo 11 already was");
        t.ok(submit(1, 6, read(11)));
        assertEquals(2, t.bo(11).pins());
        t.error(new Event.Madvise(10, Madv.PURGED), Errno.EINVAL);
        t.ok(new Event.SubmitRetired(1, 0, 5));
        assertEquals(0, t.bo(10).pins());
        assertEquals(1, t.bo(11).pins());
        t.error(new Event.SubmitRetired(1, 0, 5), Errno.ENOENT);
        t.ok(new Event.FileClose(1));
        assertEquals(0, t.bo(11).pins(), "file close retires the submits in flight");
    }

    @Test
    void theKernelsSubmitChecksAreErrorsAnUnusableContextBeforeItsQueue() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.vmBindFile(2);
        t.boNew(1, 10, 0x1000);
        t.boNew(2, 20, 0x1000);
        t.error(submit(1, 1, read(99)), Errno.EINVAL);
        t.error(submit(1, 1, new SubmitBo(10, 0x10, null)), Errno.EINVAL);
        t.error(submit(1, 1, read(10), read(10)), Errno.EALREADY);
        t.error(new Event.Submit(1, 4, 1, List.of()), Errno.ENOENT);
        t.error(submit(2, 1, read(20)), Errno.EINVAL);
        t.ok(submit(2, 1));
        t.error(submit(2, 1), Errno.EEXIST);
        t.error(new Event.GpuFault(2, 0, false, "T", null, 0L, 9L), Errno.ENOENT);
        assertEquals(0, t.bo(10).pins(), "a rejected submit pins nothing");
        t.ok(new Event.GpuHang(2));
        t.error(new Event.Submit(2, 4, 2, List.of()), Errno.EPIPE);
        t.error(submit(2, 2), Errno.EPIPE);
    }

    @Test
    void everyEntrysFlagsAreCheckedBeforeAnyHandleAndEveryHandleBeforeAnyPin() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 10, 0x1000);
        t.boNew(1, 11, 0x1000);
        t.ok(new Event.Madvise(10, Madv.DONTNEED));
        Outcome o = t.error(submit(1, 1, read(10), read(99)), Errno.EINVAL);
        assertTrue(o.reason().contains("invalid handle: bo 99 at index 1"), o.reason());
        o = t.error(submit(1, 1, read(99), new SubmitBo(11, 0, null)), Errno.EINVAL);
        assertTrue(o.reason().contains("flags 0x0 at index 1"), o.reason());
        o = t.error(submit(1, 1, read(11), read(11), read(99)), Errno.EINVAL);
        assertTrue(o.reason().contains("invalid handle: bo 99 at index 2"), o.reason());
        o = t.error(submit(1, 1, read(10), read(11), read(11)), Errno.EALREADY);
        assertTrue(o.reason().contains("bo 11 at index 2"), o.reason());
        assertTrue(o.reason().contains("index 1"), o.reason());
        t.error(submit(1, 1, read(11), read(10)), Errno.EBUSY);
        assertEquals(0, t.bo(11).pins(), "a rejected submit pins nothing");
    }

    @Test
    void anEntryMustBeReadOrWriteAndMayAskForNoImplicitSync() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 10, 0x1000);
        Outcome o = t.error(submit(1, 1, new SubmitBo(10, SubmitBo.DUMP, null)), Errno.EINVAL);
        assertTrue(o.reason().contains("neither READ nor WRITE"), o.reason());
        t.error(submit(1, 1, new SubmitBo(10, SubmitBo.NO_IMPLICIT, null)), Errno.EINVAL);
        t.ok(submit(1, 1, new SubmitBo(10, SubmitBo.WRITE | SubmitBo.NO_IMPLICIT, null)));
        assertEquals(1, t.bo(10).pins());
    }

    @Test
    void aBoIsLookedUpInTheVmBeforeItsPagesArePinned() {
        LedgerFixture t = new LedgerFixture();
        t.ok(new Event.FileOpen(1, false, LedgerFixture.VA_START, 0x2000, true));
        t.boNew(1, 10, 0x4000);
        t.boNew(1, 11, 0x1000);
        t.ok(new Event.Madvise(10, Madv.DONTNEED));
        t.ok(new Event.Madvise(11, Madv.DONTNEED));
        t.error(submit(1, 1, read(10)), Errno.ENOSPC);
        Outcome o = t.error(submit(1, 1, read(11)), Errno.EBUSY);
        assertTrue(o.reason().contains("bo 11 at index 0 cannot be pinned"), o.reason());
    }

    @Test
    void theKernelCapturesTheFirstFaultOfASubmitAndHoldsOneDumpForFiveMinutes() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 10, 0x1000);
        t.ok(submit(1, 1, read(10)));
        t.ok(submit(1, 2, read(10)));
        CrashState first = t.at(MIN, fault(1L)).crash();
        assertTrue(first.kernelCapture().captured());
        CrashState again = t.at(2 * MIN, fault(1L)).crash();
        assertFalse(again.kernelCapture().captured());
        assertTrue(again.kernelCapture().why().contains("not the first fault"), again.toString());
        CrashState other = t.at(3 * MIN, fault(2L)).crash();
        assertFalse(other.kernelCapture().captured());
        assertTrue(other.kernelCapture().why().contains("still held the dump of seq"));
        assertTrue(t.at(7 * MIN, fault(null)).crash().kernelCapture().captured(), "5 min later");
        CrashState hang = t.at(8 * MIN, new Event.GpuHang(1, 0L, 1L)).crash();
        assertFalse(hang.kernelCapture().captured());
        assertTrue(
                hang.kernelCapture().why().contains("still held"), "a hang: only the pending dump");
        assertTrue(t.at(14 * MIN, new Event.GpuHang(1, 0L, 1L)).crash().kernelCapture().captured());
    }

    @Test
    void aLegacyDumpListsTheFaultingSubmitsTableInTableOrderWithWholeBos() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 10, 0x4000);
        t.boNew(1, 11, 0x1000);
        t.boNew(1, 12, 0x2000);
        t.ok(new Event.GetIova(1, 12, null));
        t.ok(submit(1, 3, read(11), read(10)));
        Applied a = t.at(MIN, new Event.GpuFault(1, 0, true, "T", null, 0L, 3L));
        CrashState s = a.crash();
        assertEquals(CrashState.BosSource.SUBMIT, s.bosSource());
        assertEquals(List.of(11L, 10L), s.bos().stream().map(CrashState.Buffer::bo).toList());
        assertEquals(0x1000L, s.bos().get(0).size());
        assertEquals(new CrashState.SubmitRef(0, 3), s.submit());
        CrashState unnamed = t.at(MIN, new Event.GpuHang(1)).crash();
        assertEquals(CrashState.BosSource.VM, unnamed.bosSource());
        assertEquals(3, unnamed.bos().size(), "no submit named: every VA of the VM");
        assertNull(unnamed.gpu());
    }

    @Test
    void deviceInfoDescribesTheGpuOfEveryLaterDump() {
        LedgerFixture t = new LedgerFixture();
        t.ok(new Event.DeviceInfo(0x43050a01L, 0, "Adreno 740", "6.18.0"));
        t.vmBindFile(2);
        CrashState s = t.at(MIN, new Event.GpuHang(2)).crash();
        assertEquals(new CrashState.Gpu(0x43050a01L, 0, "Adreno 740", "6.18.0"), s.gpu());
    }

    private static Event.GpuFault fault(Long submit) {
        return new Event.GpuFault(1, 0x10, false, "TRANSLATION", null, null, submit);
    }
}
