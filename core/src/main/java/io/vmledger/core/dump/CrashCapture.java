package io.vmledger.core.dump;

import io.vmledger.core.U64;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.msm.PageTable;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.VmRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link CrashState} of a gpu_fault / gpu_hang from the device's state right after the
 * event was folded, through the read API ({@link DeviceQueries}). It reads the faulting VM's VAs
 * and their BOs (a dump lists them all, §3.9), the kernel's extraction of its VM log, the
 * page-table walk of the fault address, and at most {@value #SEARCH_LIMIT} of the newest VM-log
 * entries for the attribution: bounded work, and only on faults and hangs.
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
        if (event instanceof Event.GpuFault f) {
            vm = f.file();
            fault = new CrashState.Fault(f.iova(), f.write(), f.faultType(), f.source());
        } else if (event instanceof Event.GpuHang h) {
            vm = h.file();
        } else {
            throw new IllegalArgumentException("no crash state for a " + event.type() + " event");
        }
        VmRecord rec = q.vmWithoutVas(vm).vm();
        List<Va> vas = q.vas(vm, 0, -1L);
        List<CrashState.Buffer> bos = new ArrayList<>(vas.size());
        for (Va va : vas) {
            if (!va.isNull()) {
                BoRecord b = q.bo(va.bo());
                bos.add(
                        new CrashState.Buffer(
                                va.addr(), va.range(), b.flags(), b.name(), va.bo(), va.offset()));
            }
        }
        List<Long> ptes = null;
        CrashState.Attribution attribution = null;
        if (fault != null) {
            PageTable.Walk walk = q.walk(vm, fault.iova());
            ptes = ptes(o.device(), vm, fault.iova(), walk, q);
            attribution = attribute(vm, fault.iova(), vas, walk, q);
        }
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
                attribution);
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
     * The VA containing {@code iova} ({@code ==}), else the nearest VA below it if the address lies
     * less than that VA's size past its end ({@code >=}, Mesa crashdec's rule), plus the newest
     * VM-log entries that touched the fault page.
     */
    private static CrashState.Attribution attribute(
            long vm, long iova, List<Va> vas, PageTable.Walk walk, DeviceQueries q) {
        Va below = floor(vas, iova);
        CrashState.Match match = CrashState.Match.NONE;
        if (below != null && Long.compareUnsigned(iova, below.end()) < 0) {
            match = CrashState.Match.CONTAINS;
        } else if (below != null && Long.compareUnsigned(iova - below.end(), below.range()) < 0) {
            match = CrashState.Match.NEAR;
        }
        Va va = match == CrashState.Match.NONE ? null : below;
        String name = va == null || va.isNull() ? null : q.bo(va.bo()).name();
        long page = U64.alignDown(iova, 12);
        VmLog.Touches touches =
                q.lastTouching(vm, page, page + U64.PAGE_SIZE, HISTORY, SEARCH_LIMIT);
        return new CrashState.Attribution(
                iova,
                match,
                va,
                name,
                walk.populated(),
                touches.newestFirst(),
                touches.searched(),
                touches.total());
    }

    /**
     * The VA with the greatest address at or below {@code iova}, or null (binary search of the
     * ascending list).
     */
    private static Va floor(List<Va> vas, long iova) {
        int lo = 0;
        int hi = vas.size() - 1;
        Va found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(vas.get(mid).addr(), iova) <= 0) {
                found = vas.get(mid);
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
