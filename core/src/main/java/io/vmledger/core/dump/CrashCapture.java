package io.vmledger.core.dump;

import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.event.SubmitBo;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.msm.PageTable;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.GpuRecord;
import io.vmledger.core.state.SubmitRecord;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link CrashState} of a gpu_fault / gpu_hang from the device's state right after the
 * event was folded, through the read API ({@link DeviceQueries}). It reads the {@code bos:} entries
 * the kernel would list (the named submit's BO table on a legacy context, else the VM's VAs, §3.9),
 * the kernel's extraction of its VM log, the page-table walk of the fault address, whether the
 * kernel would have captured the dump at all, and at most {@value #SEARCH_LIMIT} of the newest
 * history entries for the attribution: bounded work, and only on faults and hangs.
 */
public final class CrashCapture {
    /** VM-log entries that touched the fault page, at most. */
    public static final int HISTORY = 8;

    /** Newest VM-log entries searched for them, at most. */
    public static final long SEARCH_LIMIT = 65_536;

    /** VA bits covered by one entry of the root, L1 and L2 tables (§5.1). */
    private static final int[] SHIFTS = {39, 30, 21};

    private CrashCapture() {}

    /** Whether the outcome captured a devcoredump (its {@code coredump} effect). */
    public static boolean captures(Outcome o) {
        for (Effect e : o.effects()) {
            if (e.kind() == Effect.Kind.COREDUMP) {
                return true;
            }
        }
        return false;
    }

    /**
     * The crash state of {@code event} (a gpu_fault or gpu_hang whose outcome {@link #captures}),
     * read from the state {@code q} shows after its fold.
     */
    public static CrashState capture(Outcome o, Event event, DeviceQueries q) {
        long vm;
        CrashState.Fault fault = null;
        CrashState.SubmitRef submit = null;
        if (event instanceof Event.GpuFault f) {
            vm = f.file();
            fault = new CrashState.Fault(f.iova(), f.write(), f.faultType(), f.source());
            submit = ref(f.queue(), f.submit());
        } else if (event instanceof Event.GpuHang h) {
            vm = h.file();
            submit = ref(h.queue(), h.submit());
        } else {
            throw new IllegalArgumentException("no crash state for a " + event.type() + " event");
        }
        VmRecord rec = q.vmWithoutVas(vm).vm();
        List<Va> vas = q.vas(vm, 0, -1L);
        SubmitRecord named = submit == null ? null : q.submit(vm, submit.queue(), submit.submit());
        List<CrashState.Buffer> bos;
        CrashState.BosSource source;
        if (named != null && rec.mode() == VmMode.MANAGED) {
            bos = submitBos(named, q);
            source = CrashState.BosSource.SUBMIT;
        } else {
            bos = vmBos(vas, q);
            source = CrashState.BosSource.VM;
        }
        List<Long> ptes = null;
        CrashState.Attribution attribution = null;
        if (fault != null) {
            PageTable.Walk walk = q.walk(vm, fault.iova());
            ptes = ptes(o.device(), vm, fault.iova(), walk, q);
            attribution = attribute(rec, fault.iova(), bos, walk, q);
        }
        GpuRecord g = q.gpu();
        return new CrashState(
                o.device(),
                o.seq(),
                o.ts(),
                vm,
                fault == null ? CrashState.Reason.HANG : CrashState.Reason.FAULT,
                rec.mode(),
                rec.unusable(),
                fault,
                SyntheticPhys.root(o.device(), vm),
                0,
                ptes,
                q.kernelLog(rec),
                bos,
                attribution,
                g.described()
                        ? new CrashState.Gpu(g.chipId(), g.revn(), g.gpu(), g.kernel())
                        : null,
                submit,
                source,
                kernelCapture(o, g, fault == null ? null : named));
    }

    private static CrashState.SubmitRef ref(Long queue, Long submit) {
        return submit == null ? null : new CrashState.SubmitRef(queue == null ? 0 : queue, submit);
    }

    /** One entry per non-NULL VA, ascending: a VM_BIND context's dump (§3.9). */
    private static List<CrashState.Buffer> vmBos(List<Va> vas, DeviceQueries q) {
        List<CrashState.Buffer> bos = new ArrayList<>(vas.size());
        for (Va va : vas) {
            if (!va.isNull()) {
                BoRecord b = q.bo(va.bo());
                bos.add(
                        new CrashState.Buffer(
                                va.addr(), va.range(), b.flags(), b.name(), va.bo(), va.offset()));
            }
        }
        return bos;
    }

    /** The submit's BO table in table order, whole BOs: a legacy context's dump (§3.9). */
    private static List<CrashState.Buffer> submitBos(SubmitRecord s, DeviceQueries q) {
        List<CrashState.Buffer> bos = new ArrayList<>(s.bos().size());
        for (SubmitBo sb : s.bos()) {
            BoRecord b = q.bo(sb.bo());
            bos.add(new CrashState.Buffer(sb.iova(), b.size(), b.flags(), b.name(), sb.bo(), 0));
        }
        return bos;
    }

    /**
     * Whether the kernel holds this dump: the fold recorded the seq of the dump it holds ({@link
     * GpuRecord#dumpSeq()}); if it is not this one, for a fault ({@code named} null for a hang) a
     * named submit that faulted before explains why, else the earlier dump still pending does.
     */
    private static CrashState.KernelCapture kernelCapture(
            Outcome o, GpuRecord g, SubmitRecord named) {
        if (g.dumpSeq() == o.seq()) {
            return new CrashState.KernelCapture(true, null);
        }
        if (named != null && named.firstFaultSeq() != o.seq() && named.firstFaultSeq() != 0) {
            return new CrashState.KernelCapture(
                    false,
                    "not the first fault of its submit (that was seq "
                            + Long.toUnsignedString(named.firstFaultSeq())
                            + ")");
        }
        return new CrashState.KernelCapture(
                false,
                "the kernel still held the dump of seq "
                        + Long.toUnsignedString(g.dumpSeq())
                        + " (one crash state is kept until read, or for 5 minutes)");
    }

    /** The level 0..3 entries along the walk; 0 from where the walk ends. */
    private static List<Long> ptes(
            String device, long vm, long iova, PageTable.Walk walk, DeviceQueries q) {
        List<Long> out = new ArrayList<>(4);
        for (int level = 0; level < 3; level++) {
            out.add(
                    walk.tables() > level
                            ? SyntheticPhys.table(device, vm, level + 1, iova >>> SHIFTS[level])
                                    | SyntheticPhys.TABLE
                            : 0L);
        }
        long leaf = 0;
        if (walk.populated()) {
            boolean readOnly =
                    walk.bo() == null
                            || (q.bo(walk.bo()).flags() & BoRecord.FLAG_GPU_READONLY) != 0;
            long page =
                    walk.bo() == null
                            ? SyntheticPhys.prr(device)
                            : SyntheticPhys.page(device, walk.bo(), walk.offset());
            leaf = page | SyntheticPhys.PAGE | (readOnly ? SyntheticPhys.READ_ONLY : 0);
        }
        out.add(leaf);
        return out;
    }

    /**
     * Every {@code bos:} entry Mesa's crashdec marks for {@code iova} ({@link #marks}), the VM's VA
     * containing it (a NULL one too), the newest history entries that touched the fault page, and
     * for an address no VA covers, the BO that was mapped there before.
     */
    private static CrashState.Attribution attribute(
            VmRecord vm,
            long iova,
            List<CrashState.Buffer> bos,
            PageTable.Walk walk,
            DeviceQueries q) {
        Va containing = q.lookup(vm.vm(), iova);
        String name =
                containing == null || containing.isNull() ? null : q.bo(containing.bo()).name();
        long page = U64.alignDown(iova, 12);
        VmLog.Touches touches =
                q.lastTouching(vm, page, page + U64.PAGE_SIZE, HISTORY, SEARCH_LIMIT);
        CrashState.Before before = null;
        if (containing == null) {
            before = before(touches.newestFirst(), page, q);
        }
        return new CrashState.Attribution(
                iova,
                marks(bos, iova),
                containing,
                name,
                walk.populated(),
                touches.newestFirst(),
                touches.searched(),
                touches.total(),
                before);
    }

    /**
     * crashdec's marking rule, kept by vmledger with the true sizes: a {@code bos:} entry is marked
     * {@code ==} when {@code iova <= fault < iova + size} and {@code >=} when {@code iova + size <=
     * fault < iova + 2 * size}. Ordered nearest first: {@code ==} entries, then by distance past
     * the end; ties keep table order.
     */
    public static List<CrashState.Mark> marks(List<CrashState.Buffer> bos, long fault) {
        List<CrashState.Mark> inside = new ArrayList<>();
        List<CrashState.Mark> near = new ArrayList<>();
        for (CrashState.Buffer b : bos) {
            if (Long.compareUnsigned(b.iova(), fault) > 0) {
                continue;
            }
            long past = fault - b.iova();
            if (Long.compareUnsigned(past, b.size()) < 0) {
                inside.add(new CrashState.Mark(b, CrashState.Match.CONTAINS));
            } else if (Long.compareUnsigned(past - b.size(), b.size()) < 0) {
                near.add(new CrashState.Mark(b, CrashState.Match.NEAR));
            }
        }
        near.sort(
                (x, y) ->
                        Long.compareUnsigned(
                                fault - x.buffer().iova() - x.buffer().size(),
                                fault - y.buffer().iova() - y.buffer().size()));
        inside.addAll(near);
        return inside;
    }

    /**
     * When the newest entry touching the page is an unmap, the map before it that covered the page
     * and named a BO: that BO, at the offset it had at the page.
     */
    private static CrashState.Before before(
            List<VmLogRecord> newestFirst, long page, DeviceQueries q) {
        if (newestFirst.isEmpty() || VmLog.MAP.equals(newestFirst.get(0).entry().op())) {
            return null;
        }
        VmLogRecord unmap = newestFirst.get(0);
        for (int i = 1; i < newestFirst.size(); i++) {
            VmLogRecord r = newestFirst.get(i);
            if (!VmLog.MAP.equals(r.entry().op())) {
                continue;
            }
            if (r.bo() == null) {
                return null;
            }
            BoRecord b = q.bo(r.bo());
            long offset = r.offset() + (page - r.entry().iova());
            return new CrashState.Before(
                    r.bo(), b == null ? null : b.name(), offset, r.seq(), unmap);
        }
        return null;
    }
}
