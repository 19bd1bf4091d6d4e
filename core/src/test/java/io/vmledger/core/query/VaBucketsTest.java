package io.vmledger.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.gpuvm.Va;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaBucketsTest {
    @Test
    void bigVasStandAloneAndSmallOnesMergePerBucket() {
        List<Va> vas =
                List.of(
                        Va.of(0x0, 0x10000, 1L, 0),
                        Va.of(0x10000, 0x1000, 2L, 0),
                        Va.of(0x11000, 0x1000, 2L, 0x1000),
                        Va.of(0x12000, 0x1000, null, 0),
                        Va.of(0x20000, 0x1000, 3L, 0));
        // 16 buckets of 0x4000 over [0, 0x3ffff]
        List<VaBuckets.Item> items = VaBuckets.of(vas, 0, 0x3ffff, 16);
        assertEquals(3, items.size(), items.toString());
        assertEquals(
                new VaBuckets.Item(0, 0x10000, 1, 0x10000, 0, 1L, false, 0, false), items.get(0));
        VaBuckets.Item merged = items.get(1);
        assertEquals(0x10000, merged.addr());
        assertEquals(0x3000, merged.range());
        assertEquals(3, merged.vas());
        assertEquals(0x2000, merged.boBytes());
        assertEquals(0x1000, merged.nullBytes());
        assertTrue(merged.mixed());
        assertEquals(0x20000, items.get(2).addr());
    }

    @Test
    void clipsToTheWindowAndKeepsTheOffset() {
        List<VaBuckets.Item> items =
                VaBuckets.of(List.of(Va.of(0x1000, 0x4000, 7L, 0x100000)), 0x2000, 0x2fff, 4);
        assertEquals(
                List.of(
                        new VaBuckets.Item(
                                0x2000, 0x1000, 1, 0x1000, 0, 7L, false, 0x101000, false)),
                items);
    }

    @Test
    void aHundredThousandVasNeverGiveMoreThanTwicePxItems() {
        List<Va> vas = new ArrayList<>();
        for (long i = 0; i < 100_000; i++) {
            vas.add(Va.of(0x100000000L + i * 0x3000, 0x1000 + (i % 3) * 0x1000, i % 50, 0));
        }
        long to = 0x100000000L + 100_000L * 0x3000 - 1;
        List<VaBuckets.Item> items = VaBuckets.of(vas, 0x100000000L, to, 1000);
        assertTrue(items.size() <= 2 * 1000 + 1, "items: " + items.size());
        assertEquals(100_000, items.stream().mapToInt(VaBuckets.Item::vas).sum());
    }

    @Test
    void theWholeU64WindowWorks() {
        List<VaBuckets.Item> items =
                VaBuckets.of(List.of(Va.of(0xffff000000000000L, 0x1000, 1L, 0)), 0, -1L, 800);
        assertEquals(1, items.size());
        assertEquals(0xffff000000000000L, items.get(0).addr());
    }
}
