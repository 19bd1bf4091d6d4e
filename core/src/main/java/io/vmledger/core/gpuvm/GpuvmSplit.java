package io.vmledger.core.gpuvm;

import java.util.ArrayList;
import java.util.List;

/**
 * drm_gpuvm's {@code sm_map} and {@code sm_unmap} step generation (kernel-semantics §1.3–§1.5).
 *
 * <p>Both take the existing VAs that overlap the request, in ascending address order (the caller
 * finds them with one floor lookup and one range scan), and return the steps. Because the only VAs
 * a step inserts (remainders and the request) lie outside the visited ones, the steps computed
 * against the state before the request equal those the kernel's "safe" iteration emits while
 * applying them. No coalescing ever happens: "merge" only sets {@code keep}.
 */
public final class GpuvmSplit {
    private GpuvmSplit() {}

    /**
     * {@code drm_gpuvm_sm_map} (§1.4): any number of UNMAPs, at most two REMAPs, then exactly one
     * MAP of the request.
     *
     * @param overlapping existing VAs with {@code va.addr < reqEnd && va.end > req.addr}, ascending
     * @param req the requested mapping (a valid range)
     */
    public static List<SplitStep> smMap(List<Va> overlapping, Va req) {
        List<SplitStep> steps = new ArrayList<>(overlapping.size() + 1);
        long reqAddr = req.addr();
        long reqEnd = req.end();
        for (Va v : overlapping) {
            long a = v.addr();
            long e = v.end();
            long o = v.offset();
            boolean keep = !v.isNull() && v.sameObject(req.bo());
            int endCmp = Long.compareUnsigned(e, reqEnd);
            if (a == reqAddr) {
                keep = keep && o == req.offset();
                if (endCmp <= 0) {
                    steps.add(new SplitStep.Unmap(v, keep));
                } else {
                    Va next =
                            new Va(
                                    reqEnd,
                                    v.range() - req.range(),
                                    v.bo(),
                                    o + req.range(),
                                    v.dump());
                    steps.add(new SplitStep.Remap(v, keep, null, next));
                }
            } else if (Long.compareUnsigned(a, reqAddr) < 0) {
                long ls = reqAddr - a;
                Va prev = new Va(a, ls, v.bo(), o, v.dump());
                keep = keep && o + ls == req.offset();
                Va next =
                        endCmp > 0
                                ? new Va(reqEnd, e - reqEnd, v.bo(), o + ls + req.range(), v.dump())
                                : null;
                steps.add(new SplitStep.Remap(v, keep, prev, next));
            } else {
                keep = keep && o == req.offset() + (a - reqAddr);
                if (endCmp <= 0) {
                    steps.add(new SplitStep.Unmap(v, keep));
                } else {
                    Va next = new Va(reqEnd, e - reqEnd, v.bo(), o + (reqEnd - a), v.dump());
                    steps.add(new SplitStep.Remap(v, keep, null, next));
                }
            }
            if (endCmp >= 0) {
                break;
            }
        }
        steps.add(new SplitStep.Map(req));
        return steps;
    }

    /**
     * {@code drm_gpuvm_sm_unmap} (§1.5): one step per overlapping VA, {@code keep} always false, no
     * MAP. An empty range yields no steps.
     *
     * @param overlapping existing VAs overlapping {@code [addr, addr + range)}, ascending
     */
    public static List<SplitStep> smUnmap(List<Va> overlapping, long addr, long range) {
        List<SplitStep> steps = new ArrayList<>(overlapping.size());
        long reqEnd = addr + range;
        for (Va v : overlapping) {
            Va prev =
                    Long.compareUnsigned(v.addr(), addr) < 0
                            ? new Va(v.addr(), addr - v.addr(), v.bo(), v.offset(), v.dump())
                            : null;
            Va next =
                    Long.compareUnsigned(v.end(), reqEnd) > 0
                            ? new Va(
                                    reqEnd,
                                    v.end() - reqEnd,
                                    v.bo(),
                                    v.offset() + (reqEnd - v.addr()),
                                    v.dump())
                            : null;
            if (prev != null || next != null) {
                steps.add(new SplitStep.Remap(v, false, prev, next));
            } else {
                steps.add(new SplitStep.Unmap(v, false));
            }
        }
        return steps;
    }
}
