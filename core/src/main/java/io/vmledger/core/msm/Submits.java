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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * On a legacy context the kernel checks the whole table's flags, then its handles, then locks its
 * BOs, then looks every BO up in the context's VM, mapping the whole BO if it has no VMA there yet,
 * and pins it until the submit retires ({@code submit_pin_objects}). A VM_BIND context's submit
 * carries no BO table (§3.2).
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

    /**
     * GEM_SUBMIT: refuses an unusable context before it even looks the queue up (EPIPE), as the
     * ioctl does, then validates the queue, then the BO table ({@link #checkTable}), then per BO in
     * table order looks it up in the VM (placing a new VMA: ENOSPC when it does not fit) and only
     * then pins its pages (EBUSY for DONTNEED or purged), as {@code submit_pin_objects} does.
     */
    public Rejection submit(Event.Submit e) {
        FileRecord f = m.openFile(e.file());
        if (f == null) {
            return BoRegistry.notOpen(e.file());
        }
        VmRecord vm = m.vm(e.file());
        if (vm.unusable()) {
            return Rejection.of(Errno.EPIPE, "context is unusable");
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
        Rejection checked = checkTable(e);
        if (checked != null) {
            return checked;
        }
        KernelVmMapper mapper = new KernelVmMapper(m);
        List<long[]> placed = new ArrayList<>(e.bos().size());
        List<Va> planned = new ArrayList<>();
        for (int i = 0; i < e.bos().size(); i++) {
            SubmitBo sb = e.bos().get(i);
            BoRecord b = m.liveBo(sb.bo());
            long[] iova = new long[1];
            Rejection r = mapper.place(vm, b, sb.iova(), planned, iova);
            if (r != null) {
                return r;
            }
            Rejection pin = BoRegistry.pinRefusal(b, " at index " + i);
            if (pin != null) {
                return pin;
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

    /**
     * The BO table's checks before any BO is looked up in the VM, each over the whole table and in
     * the kernel's order: every entry's flags, then every handle ({@code submit_lookup_objects},
     * two passes), then the lock of every BO in table order ({@code submit_lock_objects}), where a
     * BO listed again is already locked by this submit: EALREADY.
     */
    private Rejection checkTable(Event.Submit e) {
        List<SubmitBo> bos = e.bos();
        for (int i = 0; i < bos.size(); i++) {
            Rejection r = flagsRefusal(bos.get(i).flags(), i);
            if (r != null) {
                return r;
            }
        }
        for (int i = 0; i < bos.size(); i++) {
            long bo = bos.get(i).bo();
            if (m.handles(e.file(), bo) == 0) {
                return Rejection.of(
                        Errno.EINVAL, "invalid handle: bo " + U64.toString(bo) + " at index " + i);
            }
        }
        Map<Long, Integer> locked = new HashMap<>();
        for (int i = 0; i < bos.size(); i++) {
            long bo = bos.get(i).bo();
            Integer first = locked.putIfAbsent(bo, i);
            if (first != null) {
                return Rejection.of(
                        Errno.EALREADY,
                        "bo "
                                + U64.toString(bo)
                                + " at index "
                                + i
                                + " is listed twice: already locked at index "
                                + first);
            }
        }
        return null;
    }

    /** An entry's flags: only MSM_SUBMIT_BO_* bits, and READ or WRITE among them (EINVAL). */
    private static Rejection flagsRefusal(long flags, int i) {
        String what = "invalid flags " + U64.hex(flags) + " at index " + i + " of the BO table";
        if ((flags & ~SubmitBo.FLAGS) != 0) {
            return Rejection.of(Errno.EINVAL, what);
        }
        if ((flags & SubmitBo.READ_OR_WRITE) == 0) {
            return Rejection.of(Errno.EINVAL, what + ": neither READ nor WRITE");
        }
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
