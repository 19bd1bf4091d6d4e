package io.vmledger.core.msm;

import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.PtOp;
import io.vmledger.core.gpuvm.GpuvmSplit;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import java.util.ArrayList;
import java.util.List;

/**
 * The VM_BIND ioctl after validation (kernel-semantics §3.3 steps 12–16, §3.5, §3.6): the
 * pre-allocation count, the pin check, the prepare phase that runs drm_gpuvm's split for each op in
 * order and translates its steps into VMA updates and queued page-table ops, and the job run.
 *
 * <p>The trace carries no scheduler events, so the job runs right after its ioctl, in ioctl order:
 * page-table ops are performed against the page-table model, each logged first.
 */
public final class VmBindIoctl {
    private final DeviceModel m;

    public VmBindIoctl(DeviceModel m) {
        this.m = m;
    }

    /** What an accepted or pin-rejected ioctl produced. */
    public record Result(
            Rejection rejection, long preallocPages, long preallocUsed, List<OpResult> ops) {}

    /** Runs a validated ioctl. */
    public Result run(Event.VmBind e) {
        long prealloc = PreallocCount.forJob(e.ops());
        Rejection pin = pinCheck(e.ops());
        if (pin != null) {
            return new Result(pin, prealloc, 0, List.of());
        }
        VmRecord vm = m.vm(e.file());
        List<OpResult> results = new ArrayList<>(e.ops().size());
        List<PtOp> job = new ArrayList<>();
        for (int i = 0; i < e.ops().size(); i++) {
            OpResult r = prepare(vm, e.ops().get(i), i);
            results.add(r);
            job.addAll(r.pt());
        }
        PageTable.Pool pool = new PageTable.Pool(prealloc);
        runJob(vm, e.queue(), job, pool);
        return new Result(null, prealloc, prealloc - pool.remaining(), results);
    }

    /** §3.3 step 14: every MAP'ed BO must have its pages, i.e. madvise WILLNEED, else EBUSY. */
    private Rejection pinCheck(List<VmBindOp> ops) {
        for (int i = 0; i < ops.size(); i++) {
            VmBindOp op = ops.get(i);
            if (op.op() == VmBindOp.MAP) {
                Rejection r = BoRegistry.pinRefusal(m.liveBo(op.bo()), " at index " + i);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /**
     * The prepare phase for one op: gpuvm steps, applied at once, and the page-table ops they
     * queue.
     */
    private OpResult prepare(VmRecord vm, VmBindOp op, int index) {
        if (op.range() == 0) {
            m.ctx()
                    .effect(
                            Effect.kernelQuirk(
                                    "op "
                                            + index
                                            + ": range 0 passes validation; its effect is"
                                            + " undefined in the kernel, vmledger applies nothing"));
            return new OpResult(index, List.of(), List.of());
        }
        List<Vma> overlapping = m.vaSpace().overlapping(vm.vm(), op.iova(), op.range());
        List<Va> vas = new ArrayList<>(overlapping.size());
        for (Vma v : overlapping) {
            vas.add(v.va());
        }
        List<SplitStep> steps;
        Va req = null;
        if (op.isMap()) {
            req =
                    new Va(
                            op.iova(),
                            op.range(),
                            op.op() == VmBindOp.MAP ? op.bo() : null,
                            op.objOffset(),
                            op.op() == VmBindOp.MAP && op.dump());
            steps = GpuvmSplit.smMap(vas, req);
        } else {
            steps = GpuvmSplit.smUnmap(vas, op.iova(), op.range());
        }
        List<PtOp> pt = new ArrayList<>(steps.size());
        boolean kept = false;
        for (int s = 0; s < steps.size(); s++) {
            SplitStep step = steps.get(s);
            Vma old = s < overlapping.size() ? overlapping.get(s) : null;
            if (step instanceof SplitStep.Unmap u) {
                kept = stepUnmap(vm, old, u, op, req, pt);
            } else if (step instanceof SplitStep.Remap r) {
                stepRemap(vm, old, r, pt);
            } else if (step instanceof SplitStep.Map mp && !kept) {
                m.vaSpace().insert(vm.vm(), new Vma(mp.va(), true));
                pt.add(PtOp.map(mp.va().addr(), mp.va().range(), mp.va().bo(), mp.va().offset()));
            }
        }
        return new OpResult(index, steps, pt);
    }

    /**
     * UNMAP step (§3.5). An in-place remap — {@code keep} on a MAP op whose request is exactly this
     * VMA — keeps the VMA and its PTEs and only replaces the DUMP flag; returns true then so that
     * the MAP step does nothing. Otherwise the PTEs are unmapped if mapped and the VMA removed.
     */
    private boolean stepUnmap(
            VmRecord vm, Vma old, SplitStep.Unmap u, VmBindOp op, Va req, List<PtOp> pt) {
        Va va = u.va();
        if (u.keep()
                && op.op() == VmBindOp.MAP
                && va.sameObject(req.bo())
                && va.offset() == req.offset()
                && va.addr() == req.addr()
                && va.range() == req.range()) {
            m.vaSpace().update(vm.vm(), new Vma(va.withDump(req.dump()), old.mapped()));
            return true;
        }
        if (old.mapped()) {
            pt.add(PtOp.unmap(va.addr(), va.range()));
        }
        m.vaSpace().remove(vm.vm(), old);
        return false;
    }

    /**
     * REMAP step (§3.5): unmap only the part that becomes empty (keep is not used), then replace
     * the VMA by its remainders, which inherit its mapped state and flags.
     */
    private void stepRemap(VmRecord vm, Vma old, SplitStep.Remap r, List<PtOp> pt) {
        if (old.mapped()) {
            long[] gap = r.unmapRange();
            pt.add(PtOp.unmap(gap[0], gap[1]));
        }
        if (r.prev() != null) {
            m.vaSpace().shrink(vm.vm(), old, new Vma(r.prev(), old.mapped()));
        } else {
            m.vaSpace().remove(vm.vm(), old);
        }
        if (r.next() != null) {
            m.vaSpace().insert(vm.vm(), new Vma(r.next(), old.mapped()));
        }
    }

    /**
     * The job run (§3.6): on an unusable VM no MAP runs; otherwise each op is logged, then
     * performed; once a MAP fails, later MAPs are skipped while UNMAPs still run, and the VM
     * becomes unusable. With jobs run right after their ioctl, a job never starts on an unusable VM
     * and never fails a MAP (the pre-allocation is an upper bound, and every populated PTE it maps
     * over was unmapped first); the paths model the kernel for completeness.
     */
    private void runJob(VmRecord vm, long queue, List<PtOp> job, PageTable.Pool pool) {
        boolean logged = m.vmLog().enabledFor(vm.mode() == VmMode.VM_BIND);
        String failure =
                vm.unusable() ? "the VM is unusable: MAPs are skipped, UNMAPs still run" : null;
        for (PtOp op : job) {
            if (op.map() && failure != null) {
                continue;
            }
            if (logged) {
                m.vmLog()
                        .append(
                                vm.vm(),
                                op.map() ? VmLog.MAP : VmLog.UNMAP,
                                queue,
                                op.iova(),
                                op.range(),
                                op.map() ? op.bo() : null,
                                op.map() ? op.offset() : 0);
            }
            if (!op.map()) {
                m.pageTable().unmap(vm.vm(), op.iova(), op.range(), false);
                continue;
            }
            PageTable.MapResult r =
                    m.pageTable().map(vm.vm(), op.iova(), op.range(), op.bo(), op.offset(), pool);
            if (r != PageTable.MapResult.OK) {
                failure =
                        "job map of "
                                + U64.hex(op.iova())
                                + "+"
                                + U64.hex(op.range())
                                + " failed: "
                                + (r == PageTable.MapResult.EEXIST
                                        ? "PTE already populated (EEXIST)"
                                        : "pre-allocated pages exhausted");
            }
        }
        if (failure != null && !vm.unusable()) {
            m.putVm(m.vm(vm.vm()).markUnusable());
            m.ctx().effect(Effect.vm(Effect.Kind.VM_UNUSABLE, vm.vm(), failure));
        }
    }
}
