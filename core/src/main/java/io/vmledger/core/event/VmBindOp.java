package io.vmledger.core.event;

/**
 * One {@code drm_msm_vm_bind_op}: raw {@code op} code, the BO behind the handle (null = handle 0),
 * and u64 {@code objOffset}, {@code iova}, {@code range}, {@code flags}.
 */
public record VmBindOp(long op, Long bo, long objOffset, long iova, long range, long flags) {
    /** MSM_VM_BIND_OP_UNMAP. */
    public static final long UNMAP = 0;

    /** MSM_VM_BIND_OP_MAP. */
    public static final long MAP = 1;

    /** MSM_VM_BIND_OP_MAP_NULL. */
    public static final long MAP_NULL = 2;

    /** MSM_VM_BIND_OP_DUMP, the only valid op flag. */
    public static final long FLAG_DUMP = 1;

    /** True for MAP and MAP_NULL. */
    public boolean isMap() {
        return op == MAP || op == MAP_NULL;
    }

    /** True when the DUMP flag is set. */
    public boolean dump() {
        return (flags & FLAG_DUMP) != 0;
    }
}
