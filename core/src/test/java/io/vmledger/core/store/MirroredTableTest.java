package io.vmledger.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link MirroredTable} against the reference {@link InMemoryTable}, with seeded random writes
 * and reads in "events" ended by a flush: every read answers as the reference does; the durable
 * table sees nothing of an event until its flush and then equals the reference; and a table loaded
 * anew from the durable copy (an evicted device, a restarted task) answers as the reference too.
 */
class MirroredTableTest {
    private static final CompositeKey FIRST = CompositeKey.of(0, 0, 0);
    private static final CompositeKey LAST = CompositeKey.of(-1L, -1L, -1L);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void readsAsTheReferenceAndReachesTheDurableCopyAtEachFlush(long seed) {
        Random r = new Random(seed);
        InMemoryTable<Long> durable = new InMemoryTable<>();
        InMemoryTable<Long> reference = new InMemoryTable<>();
        for (int i = 0; i < 200; i++) {
            CompositeKey k = key(r);
            durable.put(k, (long) i);
            reference.put(k, (long) i);
        }
        MirroredTable<Long> table = new MirroredTable<>(durable);
        for (int event = 0; event < 300; event++) {
            List<String> durableBefore = all(durable);
            for (int op = 0; op < 1 + r.nextInt(12); op++) {
                CompositeKey k = key(r);
                CompositeKey k2 = key(r);
                CompositeKey lo = k.compareTo(k2) <= 0 ? k : k2;
                CompositeKey hi = k.compareTo(k2) <= 0 ? k2 : k;
                switch (r.nextInt(6)) {
                    case 0, 1 -> {
                        long v = r.nextLong();
                        table.put(k, v);
                        reference.put(k, v);
                    }
                    case 2 -> {
                        table.delete(k);
                        reference.delete(k);
                    }
                    case 3 -> assertEquals(reference.get(k), table.get(k), "seed " + seed + " get");
                    case 4 ->
                            assertEquals(
                                    reference.floor(lo, hi),
                                    table.floor(lo, hi),
                                    "seed " + seed + " floor");
                    default ->
                            assertEquals(
                                    range(reference, lo, hi),
                                    range(table, lo, hi),
                                    "seed " + seed + " range");
                }
                assertEquals(
                        reference.ceiling(lo, hi),
                        table.ceiling(lo, hi),
                        "seed " + seed + " ceiling");
            }
            assertEquals(
                    durableBefore,
                    all(durable),
                    "seed " + seed + ": nothing reaches the durable copy before the flush");
            table.flush();
            assertEquals(all(reference), all(durable), "seed " + seed + " event " + event);
            assertEquals(all(reference).size(), table.size());
        }
        assertEquals(
                all(reference), all(new MirroredTable<>(durable)), "seed " + seed + ": reloaded");
    }

    /** Keys from a small space, so that writes hit existing keys often. */
    private static CompositeKey key(Random r) {
        return CompositeKey.of(r.nextInt(4), r.nextInt(64) * 4096L, r.nextInt(3) == 0 ? -1L : 0);
    }

    private static List<String> all(OrderedTable<Long> t) {
        return range(t, FIRST, LAST);
    }

    private static List<String> range(OrderedTable<Long> t, CompositeKey from, CompositeKey to) {
        List<String> out = new ArrayList<>();
        try (Cursor<Long> c = t.range(from, to)) {
            while (c.hasNext()) {
                Map.Entry<CompositeKey, Long> e = c.next();
                out.add(e.getKey() + "=" + e.getValue());
            }
        }
        return out;
    }
}
