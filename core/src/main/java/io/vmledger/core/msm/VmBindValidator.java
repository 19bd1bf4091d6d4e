package io.vmledger.core.msm;

import io.vmledger.core.Errno;
import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.store.CompositeKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The VM_BIND ioctl's checks in the kernel's order, first failure wins (kernel-semantics §3.3
 * checks 2–5 and 11, with §3.4 per op). A failure changes nothing: not the VM, its log nor its
 * usability.
 */
public final class VmBindValidator {
    /** MSM_VM_BIND_FENCE_FD_IN | MSM_VM_BIND_FENCE_FD_OUT. */
    public static final long VALID_IOCTL_FLAGS = 0x3;

    private static final long U32_MAX = 0xffff_ffffL;

    private final DeviceModel m;

    public VmBindValidator(DeviceModel m) {
        this.m = m;
    }

    /**
     * Validates the ioctl; returns null when it may proceed. Kernel quirks that let an op through
     * are reported as effects.
     */
    public Rejection validate(Event.VmBind e) {
        FileRecord f = m.openFile(e.file());
        if (f == null) {
            return BoRegistry.notOpen(e.file());
        }
        VmRecord vm = m.vm(e.file());
        if (vm.unusable()) {
            return Rejection.of(Errno.EPIPE, "context is unusable");
        }
        if (vm.mode() != VmMode.VM_BIND) {
            return Rejection.of(Errno.EINVAL, "context is not in VM_BIND mode");
        }
        if ((e.flags() & ~VALID_IOCTL_FLAGS) != 0) {
            return Rejection.of(Errno.EINVAL, "invalid ioctl flags " + U64.hex(e.flags()));
        }
        Boolean vmBindQueue = m.tables().queues().get(CompositeKey.of(e.file(), e.queue()));
        if (vmBindQueue == null) {
            return Rejection.of(Errno.ENOENT, "no submitqueue " + U64.toString(e.queue()));
        }
        if (!vmBindQueue) {
            return Rejection.of(
                    Errno.EINVAL,
                    "submitqueue " + U64.toString(e.queue()) + " is not a VM_BIND queue");
        }
        for (int i = 0; i < e.ops().size(); i++) {
            List<String> problems = opProblems(e.ops().get(i), vm);
            if (problems != null) {
                return Rejection.of(Errno.EINVAL, "op " + i + ": " + String.join("; ", problems));
            }
        }
        for (int i = 0; i < e.ops().size(); i++) {
            Rejection r = lookup(e.file(), e.ops().get(i), i);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /**
     * Every §3.4 check that fails for one op, in the kernel's order (all EINVAL); null when none
     * does.
     */
    static List<String> opProblems(VmBindOp op, VmRecord vm) {
        if (opValid(op, vm)) {
            return null;
        }
        List<String> out = new ArrayList<>(2);
        if ((op.flags() & ~VmBindOp.FLAG_DUMP) != 0) {
            out.add("invalid flags " + U64.hex(op.flags()));
        }
        if (!U64.pageAligned(op.iova())) {
            out.add("iova " + U64.hex(op.iova()) + " not page aligned");
        }
        if (!U64.pageAligned(op.objOffset())) {
            out.add("obj_offset " + U64.hex(op.objOffset()) + " not page aligned");
        }
        if (!U64.pageAligned(op.range())) {
            out.add("range " + U64.hex(op.range()) + " not page aligned");
        }
        if (!vm.window().rangeValid(op.iova(), op.range())) {
            out.add("invalid range: iova " + U64.hex(op.iova()) + ", range " + U64.hex(op.range()));
        }
        if (op.op() == VmBindOp.MAP && op.bo() == null) {
            out.add("invalid handle");
        } else if ((op.op() == VmBindOp.UNMAP || op.op() == VmBindOp.MAP_NULL) && op.bo() != null) {
            out.add("handle must be zero");
        }
        if (Long.compareUnsigned(op.op(), VmBindOp.MAP_NULL) > 0) {
            out.add(
                    "invalid op "
                            + (Long.compareUnsigned(op.op(), U32_MAX) > 0
                                    ? U64.hex(op.op())
                                    : U64.toString(op.op())));
        }
        if (op.op() == VmBindOp.MAP_NULL && !vm.hasPrr()) {
            out.add("PRR not supported");
        }
        return out;
    }

    /** The §3.4 checks of {@link #opProblems} as one test, without building messages. */
    private static boolean opValid(VmBindOp op, VmRecord vm) {
        boolean handleOk = op.op() == VmBindOp.MAP ? op.bo() != null : op.bo() == null;
        return (op.flags() & ~VmBindOp.FLAG_DUMP) == 0
                && U64.pageAligned(op.iova() | op.objOffset() | op.range())
                && vm.window().rangeValid(op.iova(), op.range())
                && handleOk
                && Long.compareUnsigned(op.op(), VmBindOp.MAP_NULL) <= 0
                && (op.op() != VmBindOp.MAP_NULL || vm.hasPrr());
    }

    /**
     * Handle lookup and the size check of a MAP op (§3.4). The kernel adds {@code range +
     * obj_offset} without an overflow check; a wrapped sum that passes is accepted, as the kernel
     * does, and reported as a kernel quirk.
     */
    private Rejection lookup(long file, VmBindOp op, int index) {
        if (op.op() != VmBindOp.MAP) {
            return null;
        }
        if (m.handles(file, op.bo()) == 0) {
            return Rejection.of(
                    Errno.EINVAL, "invalid handle " + U64.toString(op.bo()) + " at index " + index);
        }
        BoRecord b = m.liveBo(op.bo());
        long end = op.range() + op.objOffset();
        if (Long.compareUnsigned(end, b.size()) > 0) {
            return Rejection.of(
                    Errno.EINVAL,
                    "invalid range: obj_offset "
                            + U64.hex(op.objOffset())
                            + " + range "
                            + U64.hex(op.range())
                            + " exceeds bo size "
                            + U64.hex(b.size())
                            + " at index "
                            + index);
        }
        if (U64.addOverflows(op.range(), op.objOffset())) {
            m.ctx()
                    .effect(
                            Effect.kernelQuirk(
                                    "op "
                                            + index
                                            + ": obj_offset + range wraps u64 and passes the kernel's"
                                            + " unchecked size check; the map is accepted beyond the end of bo "
                                            + U64.toString(op.bo())));
        }
        return null;
    }
}
