package io.vmledger.core.msm;

import io.vmledger.core.U64;
import io.vmledger.core.event.VmBindOp;
import java.util.List;

/**
 * The page-table pre-allocation count of a VM_BIND job (kernel-semantics §5.2): the worst-case
 * number of new L1, L2 and L3 tables, summed over runs of MAP/MAP_NULL ops. UNMAPs are ignored; an
 * op joins the current run when it starts in the 2 MiB window where the previous one ended. It
 * counts requested ranges only, never existing tables: an upper bound.
 */
public final class PreallocCount {
    private PreallocCount() {}

    /** Tables a range {@code [iova, iova + len)} may need: spans(39) + spans(30) + spans(21). */
    public static long forRange(long iova, long len) {
        return spans(iova, len, 39) + spans(iova, len, 30) + spans(iova, len, 21);
    }

    /** {@code vm_bind_prealloc_count}: the job total. */
    public static long forJob(List<VmBindOp> ops) {
        long total = 0;
        VmBindOp first = null;
        VmBindOp last = null;
        for (VmBindOp op : ops) {
            if (op.op() == VmBindOp.UNMAP) {
                continue;
            }
            if (last != null
                    && U64.alignDown(last.iova() + last.range(), 21)
                            == U64.alignDown(op.iova(), 21)) {
                last = op;
                continue;
            }
            if (first != null) {
                total += forRange(first.iova(), last.iova() + last.range() - first.iova());
            }
            first = op;
            last = op;
        }
        if (first != null) {
            total += forRange(first.iova(), last.iova() + last.range() - first.iova());
        }
        return total;
    }

    private static long spans(long iova, long len, int shift) {
        return (U64.alignUp(iova + len, shift) - U64.alignDown(iova, shift)) >>> shift;
    }
}
