package io.vmledger.producer.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * Userspace's GPU VA heap for one VM_BIND VM, as a Vulkan driver keeps it: a free list of
 * page-aligned holes, first fit at the requested alignment, with freed ranges merged back into
 * their neighbours. Addresses it hands out never overlap, so every MAP the simulator issues lands
 * on free VA unless the workload means to overwrite.
 */
final class VaAllocator {
    static final long PAGE = 0x1000;

    /** Free holes: start → end (exclusive), disjoint and never touching (merged on free). */
    private final TreeMap<Long, Long> free = new TreeMap<>();

    VaAllocator(long start, long size) {
        free.put(start, start + size);
    }

    /**
     * A free range of {@code size} bytes aligned to {@code align} (powers of two ≥ 4 KiB), now
     * taken.
     */
    long allocate(long size, long align) {
        for (Map.Entry<Long, Long> hole : free.entrySet()) {
            long at = alignUp(hole.getKey(), align);
            if (at + size <= hole.getValue()) {
                take(hole.getKey(), hole.getValue(), at, size);
                return at;
            }
        }
        throw new IllegalStateException("VA heap exhausted for " + size + " bytes");
    }

    /** Gives {@code [addr, addr + size)} back. */
    void release(long addr, long size) {
        long start = addr;
        long end = addr + size;
        Map.Entry<Long, Long> below = free.floorEntry(addr);
        if (below != null && below.getValue() == addr) {
            start = below.getKey();
            free.remove(below.getKey());
        }
        Long above = free.get(end);
        if (above != null) {
            free.remove(end);
            end = above;
        }
        free.put(start, end);
    }

    private void take(long holeStart, long holeEnd, long at, long size) {
        free.remove(holeStart);
        if (at > holeStart) {
            free.put(holeStart, at);
        }
        if (at + size < holeEnd) {
            free.put(at + size, holeEnd);
        }
    }

    static long alignUp(long v, long align) {
        return (v + align - 1) & -align;
    }
}
