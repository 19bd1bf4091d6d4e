package io.vmledger.core.gpuvm;

/**
 * One step drm_gpuvm's split algorithms emit (kernel-semantics §1.4, §1.5). A driver applies each
 * step immediately and in order.
 */
public sealed interface SplitStep {

    /** Insert {@code va}: exactly the request; always the last step of a map. */
    record Map(Va va) implements SplitStep {}

    /** Remove {@code va} entirely; {@code keep} is gpuvm's "contiguous with the request" hint. */
    record Unmap(Va va, boolean keep) implements SplitStep {}

    /**
     * Remove {@code unmap} and re-insert the remainders {@code prev} (below the request) and/or
     * {@code next} (at and above the request end); at least one of them is non-null.
     */
    record Remap(Va unmap, boolean keep, Va prev, Va next) implements SplitStep {
        /**
         * The part of {@code unmap} that becomes empty: {@code drm_gpuva_op_remap_to_unmap_range}
         * (§1.6). Returns {@code {start, range}}.
         */
        public long[] unmapRange() {
            long start = prev != null ? prev.addr() + prev.range() : unmap.addr();
            long end = next != null ? next.addr() : unmap.end();
            return new long[] {start, end - start};
        }
    }
}
