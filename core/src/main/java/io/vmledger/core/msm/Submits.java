package io.vmledger.core.msm;

import io.vmledger.core.Errno;
import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.event.SubmitBo;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.GpuRecord;
import io.vmledger.core.state.SubmitRecord;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GEM_SUBMIT as far as it touches VM state (docs/kernel-model.md, "Submits"), {@code device_info},
 * and the kernel's crash-capture policy (kernel-semantics §3.9).
 *
 * <p>Submit lifecycle, per {@code (file, queue, submit)}:
 *
 * <pre>
 *   submit ──► in flight (BOs looked up and pinned) ──(submit_retired | file_close)──► gone
 * </pre>
 *
 * On a legacy context the kernel looks every BO of the table up in the context's VM, mapping the
 * whole BO if it has no VMA there yet ({@code msm_gem_get_and_pin_iova}), and pins it until the
 * submit retires. A VM_BIND context's submit carries no BO table (§3.2).
 */
public final class Submits {
    private final DeviceModel m;

    public Submits(DeviceModel m) {
        this.m = m;
    }

    /** device_info: describes the GPU; the dump the kernel holds is kept. */
    public Rejection deviceInfo(Event.DeviceInfo e) {
        GpuRecord g = m.tables().gpuRecord();
        m.tables().gpuRecord(g.describe(e.chipId(), e.revn(), e.gpu(), e.kernel()));
        return null;
    }

    /** GEM_SUBMIT: validates the queue and the BO table, then looks up and pins each BO. */
    public Rejection submit(Event.Submit e) {
        FileRecord f = m.openFile(e.file());
        if (f == null) {
            return BoRegistry.notOpen(e.file());
        }
        Boolean vmBindQueue = m.tables().queues().get(CompositeKey.of(e.file(), e.queue()));
        if (vmBindQueue == null) {
            return Rejection.of(
                    Errno.ENOENT, "submitqueue " + U64.toString(e.queue()) + " does not exist");
        }
        if (vmBindQueue) {
            return Rejection.of(Errno.EINVAL, "SUBMIT on a VM_BIND queue");
        }
        if (f.vmBind() && !e.bos().isEmpty()) {
            return Rejection.of(Errno.EINVAL, "SUBMIT on a VM_BIND context must carry no BO table");
        }
        CompositeKey key = CompositeKey.of(e.file(), e.queue(), e.submit());
        if (m.tables().submits().get(key) != null) {
            return Rejection.of(
                    Errno.EEXIST,
                    "submit "
                            + U64.toString(e.submit())
                            + " of queue "
                            + U64.toString(e.queue())
                            + " is already in flight");
        }
        VmRecord vm = m.vm(e.file());
        if (vm.unusable()) {
            return Rejection.of(Errno.EPIPE, "context is unusable");
        }
        KernelVmMapper mapper = new KernelVmMapper(m);
        Set<Long> seen = new HashSet<>();
        List<long[]> placed = new ArrayList<>(e.bos().size());
        List<Va> planned = new ArrayList<>();
        for (int i = 0; i < e.bos().size(); i++) {
            SubmitBo sb = e.bos().get(i);
            String at = " at index " + i;
            if ((sb.flags() & ~SubmitBo.FLAGS) != 0) {
                return Rejection.of(
                        Errno.EINVAL,
                        "invalid flags " + U64.hex(sb.flags()) + at + " of the BO table");
            }
            if (m.handles(e.file(), sb.bo()) == 0) {
                return Rejection.of(
                        Errno.EINVAL, "invalid handle: bo " + U64.toString(sb.bo()) + at);
            }
            if (!seen.add(sb.bo())) {
                return Rejection.of(
                        Errno.EINVAL, "bo " + U64.toString(sb.bo()) + at + " is listed twice");
            }
            BoRecord b = m.liveBo(sb.bo());
            Rejection pin = BoRegistry.pinRefusal(b, at);
            if (pin != null) {
                return pin;
            }
            long[] iova = new long[1];
            Rejection r = mapper.place(vm, b, sb.iova(), planned, iova);
            if (r != null) {
                return r;
            }
            planned.add(Va.of(iova[0], b.size(), b.bo(), 0));
            placed.add(iova);
        }
        List<SubmitBo> table = new ArrayList<>(e.bos().size());
        for (int i = 0; i < e.bos().size(); i++) {
            SubmitBo sb = e.bos().get(i);
            BoRecord b = m.liveBo(sb.bo());
            long iova = placed.get(i)[0];
            mapper.map(vm, b, iova);
            b = m.liveBo(sb.bo());
            m.putBo(b.withPins(b.pins() + 1));
            table.add(new SubmitBo(sb.bo(), sb.flags(), iova));
        }
        m.tables().submits().put(key, new SubmitRecord(table, 0));
        return null;
    }

    /** The submit's fence signalled: every BO it pinned is unpinned. */
    public Rejection retire(Event.SubmitRetired e) {
        if (m.openFile(e.file()) == null) {
            return BoRegistry.notOpen(e.file());
        }
        CompositeKey key = CompositeKey.of(e.file(), e.queue(), e.submit());
        SubmitRecord s = m.tables().submits().get(key);
        if (s == null) {
            return noSubmit(e.queue(), e.submit());
        }
        release(key, s);
        return null;
    }

    /** file_close: the file's submits in flight are retired first (their pins released). */
    public void retireAll(long file) {
        List<Map.Entry<CompositeKey, SubmitRecord>> inFlight = new ArrayList<>();
        try (Cursor<SubmitRecord> c =
                m.tables()
                        .submits()
                        .range(CompositeKey.of(file, 0, 0), CompositeKey.of(file, -1L, -1L))) {
            while (c.hasNext()) {
                inFlight.add(c.next());
            }
        }
        for (Map.Entry<CompositeKey, SubmitRecord> s : inFlight) {
            release(s.getKey(), s.getValue());
        }
    }

    /**
     * Unpins the submit's BOs, a BO freed meanwhile too: vmledger does not model the object
     * reference a submit holds, so a BO whose last handle closed during the submit was freed then.
     */
    private void release(CompositeKey key, SubmitRecord s) {
        for (SubmitBo sb : s.bos()) {
            BoRecord b = m.tables().bos().get(CompositeKey.of(sb.bo()));
            if (b != null && b.pins() > 0) {
                m.putBo(b.withPins(b.pins() - 1));
            }
        }
        m.tables().submits().delete(key);
    }

    /**
     * The submit a fault or hang names, checked: null when it names none, else the rejection (the
     * submit is not in flight) or the key.
     */
    public Rejection checkNamed(long file, Long queue, Long submit) {
        if (submit == null) {
            return queue == null
                    ? null
                    : Rejection.of(Errno.EINVAL, "queue given without the submit it names");
        }
        long q = queue == null ? 0 : queue;
        if (m.tables().submits().get(CompositeKey.of(file, q, submit)) == null) {
            return noSubmit(q, submit);
        }
        return null;
    }

    /**
     * The kernel's capture policy for a fault (§3.9): the first fault of its submit only, and only
     * while no earlier dump is pending. Marks the named submit as faulted either way, as the kernel
     * sets {@code fault_dumped} before it finds a dump pending.
     */
    public void faultCaptured(long file, Long queue, Long submit) {
        long seq = m.tables().deviceRecord().lastSeq();
        boolean firstOfSubmit = true;
        if (submit != null) {
            CompositeKey key = CompositeKey.of(file, queue == null ? 0 : queue, submit);
            SubmitRecord s = m.tables().submits().get(key);
            firstOfSubmit = s.firstFaultSeq() == 0;
            if (firstOfSubmit) {
                m.tables().submits().put(key, s.faulted(seq));
            }
        }
        if (firstOfSubmit) {
            hold();
        }
    }

    /** The kernel's capture policy for a hang: captured unless a dump is pending. */
    public void hangCaptured() {
        hold();
    }

    private void hold() {
        long seq = m.tables().deviceRecord().lastSeq();
        long ts = m.tables().deviceRecord().lastTs();
        GpuRecord g = m.tables().gpuRecord();
        if (!g.dumpPending(ts)) {
            m.tables().gpuRecord(g.holding(seq, ts));
        }
    }

    private static Rejection noSubmit(long queue, long submit) {
        return Rejection.of(
                Errno.ENOENT,
                "submit "
                        + U64.toString(submit)
                        + " of queue "
                        + U64.toString(queue)
                        + " is not in flight");
    }
}
