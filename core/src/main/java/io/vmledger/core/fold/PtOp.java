package io.vmledger.core.fold;

/**
 * A page-table operation msm queues for a VM_BIND job (§3.5): an unmap of {@code [iova, iova +
 * range)}, or a map of it onto {@code bo} at {@code offset} ({@code bo} null = the PRR page of
 * MAP_NULL).
 */
public record PtOp(boolean map, long iova, long range, Long bo, long offset) {

    /** An unmap op. */
    public static PtOp unmap(long iova, long range) {
        return new PtOp(false, iova, range, null, 0);
    }

    /** A map op. */
    public static PtOp map(long iova, long range, Long bo, long offset) {
        return new PtOp(true, iova, range, bo, offset);
    }
}
