package io.vmledger.core.dump;

/**
 * Stand-ins for the physical addresses a real dump shows (ttbr0, and the table and page addresses
 * inside the page-table walk's entries): vmledger records none. Each is a 4 KiB-aligned address in
 * {@code [0x8_0000_0000, 0x10_0000_0000)}, a 64-bit mix of what identifies the page: (device, vm)
 * for the root table, plus (level, index) for a lower table, (device, bo, offset) for a BO page, so
 * the same BO page shows the same address in every VM, as real memory would. Stable across runs and
 * engines (the device's {@code String.hashCode} is specified by Java).
 *
 * <p>Descriptors (§5.1): a table entry is its table's address with {@code 0x3}; a 4 KiB page entry
 * carries the attribute bits seen in a real devcoredump of an X1E80100 (Adreno) GPU fault ({@code
 * 0xf47}: valid page, AttrIndx 1, AP[1], inner shareable, AF, nG), plus AP[2] ({@code 0x80},
 * read-only) for a GPU_READONLY BO and for the PRR page.
 */
public final class SyntheticPhys {
    /** Low bits of a table descriptor. */
    static final long TABLE = 0x3;

    /** Low bits of a writable 4 KiB page descriptor. */
    static final long PAGE = 0xf47;

    /** AP[2]: read-only. */
    static final long READ_ONLY = 0x80;

    private static final long BASE = 0x8_0000_0000L;
    private static final long SPAN_MASK = 0x7_ffff_f000L;

    private SyntheticPhys() {}

    /** The root table of {@code vm}: the VM's ttbr0. */
    public static long root(String device, long vm) {
        return address(device, 1, vm, 0, 0);
    }

    /**
     * The table of {@code level} (1..3) with index {@code index} ({@code iova >>> 39, 30, 21}) in
     * {@code vm}.
     */
    static long table(String device, long vm, int level, long index) {
        return address(device, 2, vm, level, index);
    }

    /** The page at {@code offset} (page aligned) of BO {@code bo}. */
    static long page(String device, long bo, long offset) {
        return address(device, 3, bo, offset, 0);
    }

    /** The device's PRR (NULL mapping) page. */
    static long prr(String device) {
        return address(device, 4, 0, 0, 0);
    }

    private static long address(String device, long kind, long a, long b, long c) {
        long h = mix(device.hashCode() ^ (kind << 32));
        h = mix(h ^ a);
        h = mix(h ^ b);
        h = mix(h ^ c);
        return BASE | (h & SPAN_MASK);
    }

    /** splitmix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
