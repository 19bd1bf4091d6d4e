package io.vmledger.core;

/**
 * Unsigned 64-bit arithmetic on Java {@code long} bits, as the kernel does on {@code u64}:
 * addresses, sizes, offsets and flags are carried in a {@code long} and compared unsigned.
 */
public final class U64 {
    /** The page size msm uses for VM_BIND (4 KiB granule, kernel-semantics §3.4, §5.1). */
    public static final long PAGE_SIZE = 0x1000L;

    private U64() {}

    /** {@code a <= b} as unsigned values. */
    public static boolean le(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    /** True when {@code a + b} overflows 64 bits as unsigned values. */
    public static boolean addOverflows(long a, long b) {
        return Long.compareUnsigned(a + b, a) < 0;
    }

    /** True when {@code v} is a multiple of the 4 KiB page size. */
    public static boolean pageAligned(long v) {
        return (v & (PAGE_SIZE - 1)) == 0;
    }

    /** Rounds {@code v} down to a multiple of {@code 2^shift}. */
    public static long alignDown(long v, int shift) {
        return v & -(1L << shift);
    }

    /**
     * Rounds {@code v} up to a multiple of {@code 2^shift} (wrapping like the kernel's u64 math).
     */
    public static long alignUp(long v, int shift) {
        long mask = (1L << shift) - 1;
        return (v + mask) & ~mask;
    }

    /** The unsigned decimal text of {@code v}. */
    public static String toString(long v) {
        return Long.toUnsignedString(v);
    }

    /** {@code 0x} followed by the lower-case hex digits of {@code v}. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
