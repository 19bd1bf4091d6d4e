package io.vmledger.core.msm;

import io.vmledger.core.Errno;
import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.FbRecord;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import java.util.ArrayList;
import java.util.List;

/**
 * KMS framebuffers on the display VM (kernel-semantics §4): prepares are refcounted per fb; the
 * first raises each plane BO's {@code vma_ref} and pins it in the display VM (reusing a kept VMA at
 * the same iova), the last cleanup unpins each plane, keeps its VMA mapped (lazy) and drops {@code
 * vma_ref}, which tears the VMA down once nothing could reuse it.
 *
 * <p>vmledger holds an fb's planes only while it is prepared: the trace has no ADDFB/RMFB, so an fb
 * id may name other BOs once fully cleaned up.
 */
public final class DisplayVm {
    private final DeviceModel m;
    private final BoRegistry bos;
    private final KernelVmMapper mapper;

    public DisplayVm(DeviceModel m, BoRegistry bos) {
        this.m = m;
        this.bos = bos;
        this.mapper = new KernelVmMapper(m);
    }

    /** fb_prepare. */
    public Rejection prepare(Event.FbPrepare e) {
        VmRecord kms = m.vm(DeviceModel.KMS_VM);
        if (kms == null) {
            return Rejection.of(Errno.ENODEV, "the device has no display VM (kms_vm)");
        }
        if (e.bos().isEmpty() || (e.iovas() != null && e.iovas().size() != e.bos().size())) {
            return Rejection.of(
                    Errno.EINVAL, "an fb needs one bo per plane and, if given, one iova per plane");
        }
        CompositeKey key = CompositeKey.of(e.fb());
        FbRecord fb = m.tables().fbs().get(key);
        if (fb != null && fb.prepareCount() > 0) {
            if (!fb.bos().equals(e.bos())) {
                return Rejection.of(
                        Errno.EINVAL,
                        "fb " + U64.toString(e.fb()) + " is prepared with bos " + fb.bos());
            }
            m.tables().fbs().put(key, new FbRecord(e.fb(), fb.bos(), fb.prepareCount() + 1));
            return null;
        }
        List<Va> planned = new ArrayList<>();
        long[] at = new long[1];
        for (int i = 0; i < e.bos().size(); i++) {
            BoRecord b = m.liveBo(e.bos().get(i));
            if (b == null) {
                return BoRegistry.noBo(e.bos().get(i));
            }
            Rejection r = BoRegistry.pinRefusal(b, "");
            if (r == null) {
                r = mapper.place(kms, b, e.iovas() == null ? null : e.iovas().get(i), planned, at);
            }
            if (r != null) {
                return r;
            }
            if (m.vaSpace().get(kms.vm(), at[0]) == null) {
                planned.add(Va.of(at[0], b.size(), b.bo(), 0));
            }
        }
        m.tables().fbs().put(key, new FbRecord(e.fb(), List.copyOf(e.bos()), 1));
        for (int i = 0; i < e.bos().size(); i++) {
            long bo = e.bos().get(i);
            bos.vmaGet(bo);
            BoRecord b = m.liveBo(bo);
            Vma reused = m.vaSpace().ofBo(bo, kms.vm()).stream().findFirst().orElse(null);
            if (reused != null) {
                if (b.pins() == 0) {
                    unmapAvoided();
                }
                m.ctx()
                        .effect(
                                Effect.vma(
                                        Effect.Kind.VMA_REUSED,
                                        kms.vm(),
                                        bo,
                                        reused.va().addr(),
                                        reused.va().range(),
                                        null));
            } else {
                Va p = planned.stream().filter(v -> v.sameObject(bo)).findFirst().orElseThrow();
                mapper.map(kms, b, p.addr());
            }
            b = m.liveBo(bo);
            m.putBo(b.withPins(b.pins() + 1));
        }
        return null;
    }

    /**
     * A prepare reused a display VMA that no pin held, kept mapped only by the lazy teardown
     * (kernel-semantics §4): an unmap and TLB invalidation saved, counted in the device record. A
     * VMA held by another prepared fb's pin is no saving.
     */
    private void unmapAvoided() {
        DeviceRecord d = m.tables().deviceRecord();
        m.tables()
                .deviceRecord(
                        new DeviceRecord(d.lastSeq(), d.lastTs(), d.displayUnmapsAvoided() + 1));
    }

    /** fb_cleanup. */
    public Rejection cleanup(Event.FbCleanup e) {
        CompositeKey key = CompositeKey.of(e.fb());
        FbRecord fb = m.tables().fbs().get(key);
        if (fb == null || fb.prepareCount() == 0) {
            return Rejection.of(Errno.EINVAL, "fb " + U64.toString(e.fb()) + " is not prepared");
        }
        m.tables().fbs().put(key, new FbRecord(e.fb(), fb.bos(), fb.prepareCount() - 1));
        if (fb.prepareCount() > 1) {
            return null;
        }
        for (long bo : fb.bos()) {
            BoRecord b = m.liveBo(bo);
            m.putBo(b.withPins(b.pins() - 1));
            bos.vmaPut(bo);
            for (Vma vma : m.vaSpace().ofBo(bo, DeviceModel.KMS_VM)) {
                m.ctx()
                        .effect(
                                Effect.vma(
                                        Effect.Kind.VMA_KEPT,
                                        DeviceModel.KMS_VM,
                                        bo,
                                        vma.va().addr(),
                                        vma.va().range(),
                                        null));
            }
        }
        return null;
    }
}
