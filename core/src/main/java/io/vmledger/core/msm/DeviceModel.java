package io.vmledger.core.msm;

import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.FoldContext;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;

/**
 * The msm driver model of one device while one event is folded: the shared parts (VA space, page
 * tables, VM log) the event handlers use, over the device's tables.
 */
public final class DeviceModel {
    /** vm id of the display (KMS) VM. */
    public static final long KMS_VM = 0;

    private final FoldContext ctx;
    private final VaSpace vaSpace;
    private final PageTable pageTable;
    private final VmLog vmLog;
    private final VmLog history;

    public DeviceModel(FoldContext ctx) {
        this.ctx = ctx;
        this.vaSpace = new VaSpace(ctx);
        this.pageTable = new PageTable(ctx.tables());
        this.vmLog = new VmLog(ctx.tables(), ctx.config());
        this.history = VmLog.history(ctx.tables());
    }

    public FoldContext ctx() {
        return ctx;
    }

    public DeviceTables tables() {
        return ctx.tables();
    }

    public VaSpace vaSpace() {
        return vaSpace;
    }

    public PageTable pageTable() {
        return pageTable;
    }

    public VmLog vmLog() {
        return vmLog;
    }

    /** vmledger's own map/unmap history of the kernel-managed (legacy) VMs. */
    public VmLog history() {
        return history;
    }

    /** The VM, or null. */
    public VmRecord vm(long vm) {
        return tables().vms().get(CompositeKey.of(vm));
    }

    /** Stores a VM record. */
    public void putVm(VmRecord vm) {
        tables().vms().put(CompositeKey.of(vm.vm()), vm);
    }

    /** The file if it is open, else null. */
    public FileRecord openFile(long file) {
        FileRecord f = tables().files().get(CompositeKey.of(file));
        return f != null && f.open() ? f : null;
    }

    /** The BO if it is alive, else null. */
    public BoRecord liveBo(long bo) {
        BoRecord b = tables().bos().get(CompositeKey.of(bo));
        return b != null && b.alive() ? b : null;
    }

    /** Stores a BO record. */
    public void putBo(BoRecord b) {
        tables().bos().put(CompositeKey.of(b.bo()), b);
    }

    /** Handles {@code file} holds on {@code bo}. */
    public int handles(long file, long bo) {
        Integer n = tables().handles().get(CompositeKey.of(file, bo));
        return n == null ? 0 : n;
    }

    /** Unmaps a VMA if mapped and closes it, recording why; closing drops its BO reference. */
    public void tearDown(VmRecord vm, Vma vma, String reason) {
        unmapNow(vm, vma, reason);
        vaSpace.remove(vm.vm(), vma);
        ctx.effect(
                Effect.vma(
                        Effect.Kind.VMA_TORN_DOWN,
                        vm.vm(),
                        vma.va().bo(),
                        vma.va().addr(),
                        vma.va().range(),
                        reason));
    }

    /**
     * Unmaps a VMA's PTEs if mapped, logging {@code reason} with queue 0 on a logged VM, and clears
     * them in the page table. Used by every kernel-initiated unmap (close, purge, vma_put).
     */
    public void unmapNow(VmRecord vm, Vma vma, String reason) {
        if (!vma.mapped()) {
            return;
        }
        long addr = vma.va().addr();
        long range = vma.va().range();
        if (vmLog.enabledFor(vm.mode() == VmMode.VM_BIND)) {
            vmLog.append(vm.vm(), reason, 0, addr, range);
        } else if (vm.mode() == VmMode.MANAGED) {
            history.append(vm.vm(), reason, 0, addr, range);
        }
        pageTable.unmap(vm.vm(), addr, range, vm.mode() != VmMode.VM_BIND);
    }
}
