package io.vmledger.core.query;

import io.vmledger.core.event.Madv;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.FoldContext;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.msm.DeviceModel;
import io.vmledger.core.msm.PageTable;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.GpuRecord;
import io.vmledger.core.state.SubmitRecord;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.List;

/** Read-only views of one device's state, for {@code replay --state} and interactive queries. */
public final class DeviceQueries {
    private final DeviceTables tables;
    private final DeviceModel model;

    public DeviceQueries(DeviceTables tables, FoldConfig config) {
        this.tables = tables;
        this.model = new DeviceModel(new FoldContext(tables, config));
    }

    /** Every VM, ascending by vm id. */
    public List<VmView> vms() {
        List<VmRecord> vms = vmRecords();
        List<VmView> out = new ArrayList<>(vms.size());
        for (VmRecord vm : vms) {
            out.add(vm(vm));
        }
        return out;
    }

    /** Every VM without its VAs (see {@link #vmWithoutVas}), ascending by vm id. */
    public List<VmView> vmsWithoutVas() {
        List<VmRecord> vms = vmRecords();
        List<VmView> out = new ArrayList<>(vms.size());
        for (VmRecord vm : vms) {
            out.add(view(vm, List.of()));
        }
        return out;
    }

    private List<VmRecord> vmRecords() {
        List<VmRecord> vms = new ArrayList<>();
        try (Cursor<VmRecord> c =
                tables.vms().range(CompositeKey.of(0), CompositeKey.lastOf(-1L))) {
            while (c.hasNext()) {
                vms.add(c.next().getValue());
            }
        }
        return vms;
    }

    /** One VM's view. */
    public VmView vm(VmRecord vm) {
        List<Va> vas = new ArrayList<>();
        for (Vma vma : model.vaSpace().all(vm.vm())) {
            vas.add(vma.va());
        }
        return view(vm, vas);
    }

    /**
     * One VM's view without its VAs (they can be many: ask {@link #vas} for a window), or null if
     * unknown.
     */
    public VmView vmWithoutVas(long vm) {
        VmRecord r = tables.vms().get(CompositeKey.of(vm));
        return r == null ? null : view(r, List.of());
    }

    /** The device's record (last seq and time), or null if the device has no events. */
    public DeviceRecord device() {
        return tables.deviceRecord();
    }

    /** VAs of {@code vm} overlapping {@code [from, to]} (inclusive), ascending. */
    public List<Va> vas(long vm, long from, long to) {
        List<Va> out = new ArrayList<>();
        long range = to - from + 1;
        List<Vma> found =
                range == 0 ? model.vaSpace().all(vm) : model.vaSpace().overlapping(vm, from, range);
        for (Vma vma : found) {
            out.add(vma.va());
        }
        return out;
    }

    /** The VA of {@code vm} containing {@code iova}, or null. */
    public Va lookup(long vm, long iova) {
        List<Vma> found = model.vaSpace().overlapping(vm, iova, 1);
        return found.isEmpty() ? null : found.get(0).va();
    }

    /**
     * The VM log of {@code vm} as the kernel extracts it for a crash dump (§3.8, with its
     * off-by-one), oldest first; null when the kernel prints no vm-log section at all (the VM has
     * no log, or slot 0 was never written).
     */
    public List<VmLogEntry> kernelLog(VmRecord vm) {
        VmLog log = model.vmLog();
        if (!log.enabledFor(vm.mode() == VmMode.VM_BIND) || log.count(vm.vm()) == 0) {
            return null;
        }
        return log.kernelView(vm.vm());
    }

    /**
     * The newest VM-log entries of {@code vm} that touched {@code [lo, hi)} (see {@link
     * VmLog#lastTouching}).
     */
    public VmLog.Touches lastTouching(long vm, long lo, long hi, int limit, long searchLimit) {
        return model.vmLog().lastTouching(vm, lo, hi, limit, searchLimit);
    }

    /**
     * As {@link #lastTouching(long, long, long, int, long)}, from the history that exists for the
     * VM's kind: the VM log of a VM_BIND VM, vmledger's own history of a kernel-managed (legacy)
     * VM, which has no kernel log.
     */
    public VmLog.Touches lastTouching(VmRecord vm, long lo, long hi, int limit, long searchLimit) {
        VmLog log = vm.mode() == VmMode.MANAGED ? model.history() : model.vmLog();
        return log.lastTouching(vm.vm(), lo, hi, limit, searchLimit);
    }

    /** The GPU record (what device_info said, the dump the kernel holds). */
    public GpuRecord gpu() {
        return tables.gpuRecord();
    }

    /** The in-flight submit {@code (file, queue, submit)}, or null. */
    public SubmitRecord submit(long file, long queue, long submit) {
        return tables.submits().get(CompositeKey.of(file, queue, submit));
    }

    /** The page-table walk of {@code iova} in {@code vm} (§5.1). */
    public PageTable.Walk walk(long vm, long iova) {
        return model.pageTable().walk(vm, iova);
    }

    /** One BO (also a freed one), or null if never created. */
    public BoRecord bo(long bo) {
        return tables.bos().get(CompositeKey.of(bo));
    }

    /**
     * The device's memory accounting, named as fdinfo names it (drm-total/shared/resident/
     * purgeable-memory), over live BOs: shared ones are exported as a dma-buf, resident ones have
     * backing pages (mapped, pinned or vmapped, not purged), purgeable ones are resident and marked
     * DONTNEED.
     */
    public DeviceSummary summary() {
        long count = 0;
        long total = 0;
        long shared = 0;
        long resident = 0;
        long purgeable = 0;
        for (BoRecord b : bos()) {
            if (!b.alive()) {
                continue;
            }
            count++;
            total += b.size();
            if (b.dmabuf() != null) {
                shared += b.size();
            }
            boolean hasPages =
                    b.madv() != Madv.PURGED && (b.vmas() > 0 || b.pins() > 0 || b.vmaps() > 0);
            if (hasPages) {
                resident += b.size();
                if (b.madv() == Madv.DONTNEED) {
                    purgeable += b.size();
                }
            }
        }
        return new DeviceSummary(count, total, shared, resident, purgeable);
    }

    private VmView view(VmRecord vm, List<Va> vas) {
        VmLog log = model.vmLog();
        List<VmLogEntry> ring = log.ring(vm.vm());
        boolean omits = log.kernelView(vm.vm()).size() < ring.size();
        return new VmView(
                vm, vas, model.pageTable().stats(vm.vm()), ring, log.count(vm.vm()), omits);
    }

    /** Every BO ever created (freed ones with {@code alive=false}), ascending by id. */
    public List<BoRecord> bos() {
        List<BoRecord> out = new ArrayList<>();
        try (Cursor<BoRecord> c =
                tables.bos().range(CompositeKey.of(0), CompositeKey.lastOf(-1L))) {
            while (c.hasNext()) {
                out.add(c.next().getValue());
            }
        }
        return out;
    }
}
