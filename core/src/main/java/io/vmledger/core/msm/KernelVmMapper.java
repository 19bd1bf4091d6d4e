package io.vmledger.core.msm;

import io.vmledger.core.Errno;
import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import java.util.List;

/**
 * Whole-BO mappings in kernel-managed VMs (the legacy per-process VMs and the display VM): the
 * kernel picks the address (drm_mm) unless the trace recorded it, maps the BO with 4 KiB leaves,
 * and reuses an existing VMA of the BO in that VM.
 *
 * <p>Address choice when the trace has none: just above the VM's highest VMA if the BO fits there,
 * else the lowest page-aligned hole. The kernel's drm_mm hole choice depends on its internals;
 * traces that need exact addresses record {@code iova}.
 */
public final class KernelVmMapper {
    private final DeviceModel m;

    public KernelVmMapper(DeviceModel m) {
        this.m = m;
    }

    /**
     * Where {@code bo} is or would be mapped in {@code vm}: the existing VMA's address, or the
     * requested/allocated address for a new one. Rejects a requested address that contradicts the
     * existing VMA, lies outside the window or overlaps another VMA.
     *
     * @param planned VAs about to be created in this same event (not yet in the VA space)
     */
    public Rejection place(VmRecord vm, BoRecord bo, Long requested, List<Va> planned, long[] out) {
        List<Vma> existing = m.vaSpace().ofBo(bo.bo(), vm.vm());
        if (!existing.isEmpty()) {
            long at = existing.get(0).va().addr();
            if (requested != null && requested != at) {
                return Rejection.of(
                        Errno.EINVAL,
                        "bo "
                                + U64.toString(bo.bo())
                                + " is already mapped at "
                                + U64.hex(at)
                                + " in vm "
                                + U64.toString(vm.vm())
                                + ", not "
                                + U64.hex(requested));
            }
            out[0] = at;
            return null;
        }
        for (Va p : planned) {
            if (p.sameObject(bo.bo())) {
                if (requested != null && requested != p.addr()) {
                    return Rejection.of(
                            Errno.EINVAL,
                            "bo "
                                    + U64.toString(bo.bo())
                                    + " is mapped at "
                                    + U64.hex(p.addr())
                                    + " for another plane, not "
                                    + U64.hex(requested));
                }
                out[0] = p.addr();
                return null;
            }
        }
        if (requested == null) {
            Long at = allocate(vm, bo.size(), planned);
            if (at == null) {
                return Rejection.of(
                        Errno.ENOSPC,
                        "no room for "
                                + U64.hex(bo.size())
                                + " bytes in vm "
                                + U64.toString(vm.vm()));
            }
            out[0] = at;
            return null;
        }
        if (!U64.pageAligned(requested) || !vm.window().rangeValid(requested, bo.size())) {
            return Rejection.of(
                    Errno.EINVAL,
                    "iova "
                            + U64.hex(requested)
                            + " + "
                            + U64.hex(bo.size())
                            + " is not a page-aligned range inside vm "
                            + U64.toString(vm.vm()));
        }
        if (occupied(vm, requested, bo.size(), planned)) {
            return Rejection.of(
                    Errno.EEXIST,
                    "iova "
                            + U64.hex(requested)
                            + " + "
                            + U64.hex(bo.size())
                            + " overlaps an existing mapping in vm "
                            + U64.toString(vm.vm()));
        }
        out[0] = requested;
        return null;
    }

    /** Maps the whole BO at {@code iova} unless it already has its VMA there; returns the VMA. */
    public Vma map(VmRecord vm, BoRecord bo, long iova) {
        Vma vma = m.vaSpace().get(vm.vm(), iova);
        if (vma != null) {
            return vma;
        }
        vma = new Vma(Va.of(iova, bo.size(), bo.bo(), 0), true);
        m.vaSpace().insert(vm.vm(), vma);
        m.pageTable().map(vm.vm(), iova, bo.size(), bo.bo(), 0, null);
        if (vm.mode() == VmMode.MANAGED) {
            m.history().append(vm.vm(), VmLog.MAP, 0, iova, bo.size(), bo.bo(), 0);
        }
        m.ctx().effect(Effect.vma(Effect.Kind.VMA_MAPPED, vm.vm(), bo.bo(), iova, bo.size(), null));
        return vma;
    }

    private boolean occupied(VmRecord vm, long addr, long size, List<Va> planned) {
        if (!m.vaSpace().overlapping(vm.vm(), addr, size).isEmpty()) {
            return true;
        }
        for (Va p : planned) {
            if (Long.compareUnsigned(p.addr(), addr + size) < 0
                    && Long.compareUnsigned(p.end(), addr) > 0) {
                return true;
            }
        }
        return false;
    }

    private Long allocate(VmRecord vm, long size, List<Va> planned) {
        long floor = vm.window().start();
        Vma last = m.vaSpace().last(vm.vm());
        if (last != null) {
            floor = last.va().end();
        }
        for (Va p : planned) {
            if (Long.compareUnsigned(p.end(), floor) > 0) {
                floor = p.end();
            }
        }
        if (vm.window().rangeValid(floor, size)) {
            return floor;
        }
        long at = vm.window().start();
        while (vm.window().rangeValid(at, size)) {
            List<Vma> hit = m.vaSpace().overlapping(vm.vm(), at, size);
            if (hit.isEmpty() && !occupied(vm, at, size, planned)) {
                return at;
            }
            at = hit.isEmpty() ? at + U64.PAGE_SIZE : hit.get(hit.size() - 1).va().end();
        }
        return null;
    }
}
