package io.vmledger.core.fold;

/**
 * Settings of the fold.
 *
 * @param vmLogShift msm's {@code vm_log_shift} module parameter: the VM log ring has {@code 1 <<
 *     min(shift, 8)} entries, 0 disables it (§3.8). vmledger defaults to 8.
 */
public record FoldConfig(int vmLogShift) {
    /** The kernel's cap on {@code vm_log_shift}. */
    public static final int MAX_LOG_SHIFT = 8;

    /** Log on, at the kernel's maximum of 256 entries. */
    public static final FoldConfig DEFAULT = new FoldConfig(MAX_LOG_SHIFT);

    public FoldConfig {
        if (vmLogShift < 0) {
            throw new IllegalArgumentException("vm_log_shift must be >= 0, got " + vmLogShift);
        }
    }

    /** Entries of the kernel's VM-log ring: {@code 1 << min(shift, 8)}, or 0 when disabled. */
    public int logLength() {
        return vmLogShift == 0 ? 0 : 1 << Math.min(vmLogShift, MAX_LOG_SHIFT);
    }
}
