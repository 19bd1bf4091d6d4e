package io.vmledger.core.gpuvm;

import io.vmledger.core.U64;

/**
 * A VM's VA window {@code [start, start + size)}; msm creates every VM without a kernel-reserved
 * node, so {@link #rangeValid} is {@code drm_gpuvm_range_valid} (§1.2).
 */
public record VmWindow(long start, long size) {

    /** The exclusive end of the window (u64 bits). */
    public long end() {
        return start + size;
    }

    /**
     * {@code drm_gpuvm_range_valid}: {@code addr + range} does not overflow and the range lies in
     * the window. {@code range == 0} is not rejected here (§1.2, §3.4).
     */
    public boolean rangeValid(long addr, long range) {
        if (U64.addOverflows(addr, range)) {
            return false;
        }
        return U64.le(start, addr) && U64.le(addr + range, end());
    }
}
