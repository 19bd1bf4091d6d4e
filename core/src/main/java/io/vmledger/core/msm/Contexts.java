package io.vmledger.core.msm;

import io.vmledger.core.Errno;
import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.gpuvm.VmWindow;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.List;

/**
 * GPU contexts and their VMs: file open and close with the VM teardown of §3.7, submitqueues
 * (§3.2), the display VM, legacy {@code get_iova}, and the crash paths (fault, hang; §3.6, §3.9).
 *
 * <p>VM lifecycle:
 *
 * <pre>
 *   file_open ──► usable ──(gpu_hang of a VM_BIND context / failed job)──► unusable
 *                   │                                                        │
 *                   └───────────────────(file_close)──────────► closed ◄─────┘
 * </pre>
 *
 * A closed file id is never reopened: ids are unique per device.
 */
public final class Contexts {
    private final DeviceModel m;
    private final BoRegistry bos;

    public Contexts(DeviceModel m, BoRegistry bos) {
        this.m = m;
        this.bos = bos;
    }

    /** file_open: the context, its default queue 0 and its VM (vm id = file). */
    public Rejection open(Event.FileOpen e) {
        if (e.file() == DeviceModel.KMS_VM) {
            return Rejection.of(Errno.EINVAL, "file 0 is reserved: vm id 0 is the display VM");
        }
        if (m.tables().files().get(CompositeKey.of(e.file())) != null) {
            return Rejection.of(
                    Errno.EEXIST,
                    "file " + U64.toString(e.file()) + " was already opened on this device");
        }
        Rejection w = checkWindow(e.vaStart(), e.vaSize());
        if (w != null) {
            return w;
        }
        m.tables()
                .files()
                .put(CompositeKey.of(e.file()), new FileRecord(e.file(), e.vmBind(), true));
        m.tables().queues().put(CompositeKey.of(e.file(), 0), Boolean.FALSE);
        m.putVm(
                new VmRecord(
                        e.file(),
                        e.vmBind() ? VmMode.VM_BIND : VmMode.MANAGED,
                        new VmWindow(e.vaStart(), e.vaSize()),
                        e.prr(),
                        false,
                        false));
        return null;
    }

    /** kms_vm: the display VM. */
    public Rejection kmsVm(Event.KmsVm e) {
        if (m.vm(DeviceModel.KMS_VM) != null) {
            return Rejection.of(Errno.EEXIST, "the display VM already exists");
        }
        Rejection w = checkWindow(e.vaStart(), e.vaSize());
        if (w != null) {
            return w;
        }
        m.putVm(
                new VmRecord(
                        DeviceModel.KMS_VM,
                        VmMode.KMS,
                        new VmWindow(e.vaStart(), e.vaSize()),
                        false,
                        false,
                        false));
        return null;
    }

    /** SUBMITQUEUE_NEW: VM_BIND queues need a VM_BIND context. */
    public Rejection newQueue(Event.SubmitqueueNew e) {
        FileRecord f = m.openFile(e.file());
        if (f == null) {
            return BoRegistry.notOpen(e.file());
        }
        if (e.vmBind() && !f.vmBind()) {
            return Rejection.of(Errno.EINVAL, "MSM_SUBMITQUEUE_VM_BIND requires a VM_BIND context");
        }
        CompositeKey k = CompositeKey.of(e.file(), e.queue());
        if (m.tables().queues().get(k) != null) {
            return Rejection.of(
                    Errno.EEXIST, "submitqueue " + U64.toString(e.queue()) + " already exists");
        }
        m.tables().queues().put(k, e.vmBind());
        return null;
    }

    /** SUBMITQUEUE_CLOSE: the default queue 0 is never removed. */
    public Rejection closeQueue(Event.SubmitqueueClose e) {
        if (m.openFile(e.file()) == null) {
            return BoRegistry.notOpen(e.file());
        }
        CompositeKey k = CompositeKey.of(e.file(), e.queue());
        if (e.queue() == 0 || m.tables().queues().get(k) == null) {
            return Rejection.of(
                    Errno.ENOENT, "no removable submitqueue " + U64.toString(e.queue()));
        }
        m.tables().queues().delete(k);
        return null;
    }

    /**
     * file_close: the file's submits in flight retire, every handle is closed (ascending BO order),
     * the queues go, then a VM_BIND VM is torn down (§3.7): each remaining VA, ascending, is
     * unmapped synchronously if mapped (VM-log reason {@code close}, queue 0) and removed, dropping
     * its BO reference. The VM is then destroyed with its page tables.
     */
    public Rejection close(Event.FileClose e) {
        FileRecord f = m.openFile(e.file());
        if (f == null) {
            return BoRegistry.notOpen(e.file());
        }
        new Submits(m).retireAll(e.file());
        bos.closeAllHandles(f);
        List<CompositeKey> queues = new ArrayList<>();
        try (Cursor<Boolean> c =
                m.tables()
                        .queues()
                        .range(CompositeKey.of(e.file(), 0), CompositeKey.lastOf(e.file()))) {
            while (c.hasNext()) {
                queues.add(c.next().getKey());
            }
        }
        queues.forEach(m.tables().queues()::delete);
        VmRecord vm = m.vm(e.file());
        for (Vma vma : m.vaSpace().all(vm.vm())) {
            m.tearDown(vm, vma, VmLog.CLOSE);
        }
        m.pageTable().destroy(vm.vm());
        m.putVm(m.vm(vm.vm()).markClosed());
        m.tables()
                .files()
                .put(CompositeKey.of(e.file()), new FileRecord(f.file(), f.vmBind(), false));
        m.ctx().effect(Effect.vm(Effect.Kind.VM_CLOSED, vm.vm(), null));
        return null;
    }

    /** Legacy MSM_INFO_GET_IOVA: maps the whole BO in the context's kernel-managed VM. */
    public Rejection getIova(Event.GetIova e) {
        FileRecord f = m.openFile(e.file());
        if (f == null) {
            return BoRegistry.notOpen(e.file());
        }
        if (f.vmBind()) {
            return Rejection.of(Errno.EINVAL, "GET_IOVA is rejected on a VM_BIND context");
        }
        if (m.handles(e.file(), e.bo()) == 0) {
            return Rejection.of(
                    Errno.ENOENT,
                    "file "
                            + U64.toString(e.file())
                            + " holds no handle on bo "
                            + U64.toString(e.bo()));
        }
        VmRecord vm = m.vm(e.file());
        BoRecord b = m.liveBo(e.bo());
        KernelVmMapper mapper = new KernelVmMapper(m);
        long[] at = new long[1];
        Rejection r = mapper.place(vm, b, e.iova(), List.of(), at);
        if (r != null) {
            return r;
        }
        mapper.map(vm, b, at[0]);
        return null;
    }

    /** gpu_fault: a devcoredump of the faulting context's VM. */
    public Rejection fault(Event.GpuFault e) {
        if (m.openFile(e.file()) == null) {
            return BoRegistry.notOpen(e.file());
        }
        Submits submits = new Submits(m);
        Rejection named = submits.checkNamed(e.file(), e.queue(), e.submit());
        if (named != null) {
            return named;
        }
        submits.faultCaptured(e.file(), e.queue(), e.submit());
        m.ctx().effect(Effect.coredump(e.file(), e.iova(), "fault"));
        return null;
    }

    /** gpu_hang: a devcoredump; a VM_BIND context's VM becomes unusable for good (§3.6). */
    public Rejection hang(Event.GpuHang e) {
        if (m.openFile(e.file()) == null) {
            return BoRegistry.notOpen(e.file());
        }
        Submits submits = new Submits(m);
        Rejection named = submits.checkNamed(e.file(), e.queue(), e.submit());
        if (named != null) {
            return named;
        }
        submits.hangCaptured();
        m.ctx().effect(Effect.coredump(e.file(), null, "hang"));
        VmRecord vm = m.vm(e.file());
        if (vm.mode() == VmMode.VM_BIND && !vm.unusable()) {
            m.putVm(vm.markUnusable());
            m.ctx().effect(Effect.vm(Effect.Kind.VM_UNUSABLE, vm.vm(), "gpu hang"));
        }
        return null;
    }

    /**
     * A VM window must be non-empty and must not overflow u64. Windows above the 48-bit address
     * space of the kernel's 4-level page tables are accepted; their page-table counts extend the
     * same per-level indexing (§5.1 assumes ias = 48).
     */
    private static Rejection checkWindow(long start, long size) {
        if (size == 0 || U64.addOverflows(start, size)) {
            return Rejection.of(
                    Errno.EINVAL, "invalid VA window " + U64.hex(start) + " + " + U64.hex(size));
        }
        return null;
    }
}
