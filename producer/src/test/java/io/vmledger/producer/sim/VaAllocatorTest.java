package io.vmledger.producer.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The userspace VA heap: aligned first fit, no overlap, freed ranges merged back. */
class VaAllocatorTest {
    private static final long BASE = 0x1_0000_0000L;

    @Test
    void firstFitAtTheRequestedAlignment() {
        VaAllocator va = new VaAllocator(BASE, 0x100_0000);
        assertEquals(BASE, va.allocate(0x1000, 0x1000));
        assertEquals(BASE + 0x10000, va.allocate(0x2000, 0x10000));
        assertEquals(BASE + 0x1000, va.allocate(0x3000, 0x1000));
    }

    @Test
    void freedNeighboursMergeSoALargerRequestFitsAgain() {
        VaAllocator va = new VaAllocator(BASE, 0x4000);
        long a = va.allocate(0x1000, 0x1000);
        long b = va.allocate(0x1000, 0x1000);
        long c = va.allocate(0x2000, 0x1000);
        assertThrows(IllegalStateException.class, () -> va.allocate(0x1000, 0x1000));
        va.release(a, 0x1000);
        va.release(c, 0x2000);
        va.release(b, 0x1000);
        assertEquals(BASE, va.allocate(0x4000, 0x1000));
    }

    /** Seeded: random allocate/release never hands out overlapping ranges. */
    @Test
    void neverOverlaps() {
        SplittableRandom rng = new SplittableRandom(42);
        VaAllocator va = new VaAllocator(BASE, 1L << 30);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            if (!live.isEmpty() && rng.nextInt(3) == 0) {
                long[] r = live.remove(rng.nextInt(live.size()));
                va.release(r[0], r[1]);
                continue;
            }
            long size = (1 + rng.nextInt(64)) * VaAllocator.PAGE;
            long align = rng.nextBoolean() ? VaAllocator.PAGE : 0x10000;
            long at = va.allocate(size, align);
            assertEquals(0, at % align);
            for (long[] r : live) {
                assertTrue(at + size <= r[0] || r[0] + r[1] <= at, "overlap at step " + i);
            }
            live.add(new long[] {at, size});
        }
    }
}
