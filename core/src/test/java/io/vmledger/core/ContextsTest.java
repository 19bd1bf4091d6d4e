package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.state.VmMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Contexts, queues, the display VM and the crash paths (§3.2, §3.6, §3.7, §3.9). */
class ContextsTest {

    @Test
    void fileOpenCreatesTheVmWithTheFilesIdAndMode() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(3);
        t.legacyFile(4);
        assertEquals(VmMode.VM_BIND, t.vm(3).vm().mode());
        assertEquals(VmMode.MANAGED, t.vm(4).vm().mode());
    }

    @Test
    void fileOpenRejectsFileZeroReuseAndBadWindows() {
        LedgerFixture t = new LedgerFixture();
        t.error(new Event.FileOpen(0, true, 0x100000000L, 0x1000000L, true), Errno.EINVAL);
        t.error(new Event.FileOpen(1, true, 0x100000000L, 0, true), Errno.EINVAL);
        t.error(new Event.FileOpen(1, true, -0x1000L, 0x2000L, true), Errno.EINVAL);
        t.ok(new Event.FileOpen(1, true, 0x100000000L, 0xfffffff800L, true));
        t.error(new Event.FileOpen(1, true, 0x100000000L, 0x1000000L, true), Errno.EEXIST);
        t.ok(new Event.FileClose(1));
        t.error(new Event.FileOpen(1, true, 0x100000000L, 0x1000000L, true), Errno.EEXIST);
    }

    @Test
    void vmBindQueuesNeedAVmBindContextAndQueueZeroIsNeverClosed() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.error(new Event.SubmitqueueNew(1, 1, true), Errno.EINVAL);
        t.ok(new Event.SubmitqueueNew(1, 1, false));
        t.error(new Event.SubmitqueueNew(1, 1, false), Errno.EEXIST);
        t.error(new Event.SubmitqueueClose(1, 0), Errno.ENOENT);
        t.ok(new Event.SubmitqueueClose(1, 1));
        t.error(new Event.SubmitqueueClose(1, 1), Errno.ENOENT);
        t.error(new Event.SubmitqueueNew(9, 1, false), Errno.EBADF);
    }

    @Test
    void hangMakesOnlyVmBindVmsUnusableAndCapturesACoredump() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.legacyFile(2);
        Outcome hang = t.ok(new Event.GpuHang(1));
        assertEquals(List.of(Effect.Kind.COREDUMP, Effect.Kind.VM_UNUSABLE), kinds(hang));
        assertTrue(t.vm(1).vm().unusable());
        assertEquals(
                List.of(Effect.Kind.COREDUMP),
                kinds(t.ok(new Event.GpuHang(1))),
                "unusable is set once");
        assertEquals(List.of(Effect.Kind.COREDUMP), kinds(t.ok(new Event.GpuHang(2))));
        assertFalse(t.vm(2).vm().unusable());
        Outcome fault = t.ok(new Event.GpuFault(2, 0x100001000L, true, "translation", null));
        assertEquals(0x100001000L, fault.effects().get(0).iova());
        assertEquals("fault", fault.effects().get(0).reason());
    }

    @Test
    void theDisplayVmExistsOnceAndFramebuffersNeedIt() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 7, 0x4000);
        t.error(new Event.FbPrepare(1, List.of(7L), null), Errno.ENODEV);
        t.ok(new Event.KmsVm(0x1000, 0x100000000L));
        t.error(new Event.KmsVm(0x1000, 0x100000000L), Errno.EEXIST);
        t.ok(new Event.FbPrepare(1, List.of(7L), List.of(0x10000L)));
        assertEquals(0x10000L, t.vm(0).vas().get(0).addr());
        t.error(new Event.FbCleanup(2), Errno.EINVAL);
    }

    @Test
    void closingAFileClosesItsHandlesAndVm() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, 7, 0x4000);
        Outcome close = t.ok(new Event.FileClose(1));
        assertEquals(List.of(Effect.Kind.VM_CLOSED, Effect.Kind.BO_FREED), kinds(close));
        assertTrue(t.vm(1).vm().closed());
        t.error(new Event.GpuHang(1), Errno.EBADF);
    }

    @Test
    void theSameBoOnTwoPlanesCannotBeGivenTwoAddresses() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, 8, 0x4000);
        t.ok(new Event.KmsVm(0x1000, 0x100000000L));
        t.error(
                new Event.FbPrepare(1, List.of(8L, 8L), List.of(0x1000000L, 0x2000000L)),
                Errno.EINVAL);
        t.ok(new Event.FbPrepare(1, List.of(8L, 8L), List.of(0x1000000L, 0x1000000L)));
        assertEquals(1, t.vm(0).vas().size());
        assertEquals(2, t.bo(8).pins());
    }

    @Test
    void blockUnmapsNearTheTopOfTheAddressSpaceFreeOnlyCoveredTables() {
        // §5.1: a kernel-managed VM frees the L3 table of a fully covered 2 MiB region only
        LedgerFixture t = new LedgerFixture();
        t.ok(new Event.FileOpen(1, false, 0xffffffffffc00000L, 0x3ff000L, true));
        t.boNew(1, 1, 0x4000);
        t.boNew(1, 2, 0x4000);
        t.ok(new Event.GetIova(1, 1, 0xffffffffffe01000L));
        t.ok(new Event.GetIova(1, 2, 0xffffffffffc00000L));
        assertEquals(2, t.pt(1).l3());
        t.ok(new Event.HandleClose(1, 1));
        assertEquals(2, t.pt(1).l3(), "a 16 KiB unmap covers no 2 MiB region");
        assertEquals(4, t.pt(1).ptes());
    }
}
