package io.vmledger.core.event;

/**
 * One entry of a legacy GEM_SUBMIT's BO table ({@code struct drm_msm_gem_submit_bo}): the BO (by
 * vmledger's id, standing for the file's handle on it), its {@code MSM_SUBMIT_BO_*} flags, and the
 * address userspace presumed (nullable; the kernel's lookup decides).
 */
public record SubmitBo(long bo, long flags, Long iova) {
    /** MSM_SUBMIT_BO_READ. */
    public static final long READ = 0x1;

    /** MSM_SUBMIT_BO_WRITE. */
    public static final long WRITE = 0x2;

    /** MSM_SUBMIT_BO_DUMP: the BO's contents go into a devcoredump. */
    public static final long DUMP = 0x4;

    /** MSM_SUBMIT_BO_NO_IMPLICIT: no implicit sync on this BO (not modelled beyond its check). */
    public static final long NO_IMPLICIT = 0x8;

    /** Every flag the kernel accepts (MSM_SUBMIT_BO_FLAGS). */
    public static final long FLAGS = READ | WRITE | DUMP | NO_IMPLICIT;

    /** The kernel requires at least one of these on every entry. */
    public static final long READ_OR_WRITE = READ | WRITE;

    /** Whether the kernel dumps this BO's contents. */
    public boolean dump() {
        return (flags & DUMP) != 0;
    }
}
