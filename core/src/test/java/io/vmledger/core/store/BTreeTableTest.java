package io.vmledger.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded differential tests of {@link BTreeTable} against the TreeMap-backed {@link InMemoryTable}:
 * random put/replace/delete sequences over small and large key spaces, unsigned-high (negative) key
 * parts, keys differing only in one part, ascending appends with deletes from the front, and
 * draining to empty. Every few ops both tables are compared on size, point reads, random
 * range/floor/ceiling queries and (less often) full iteration, and the tree's structure is
 * verified. Every assertion message carries the seed.
 */
class BTreeTableTest {
    private static final long[] EDGES = {
        0,
        1,
        2,
        3,
        -1L,
        -2L,
        -3L,
        Long.MIN_VALUE,
        Long.MIN_VALUE + 1,
        Long.MAX_VALUE,
        Long.MAX_VALUE - 1,
        0x100000000L,
        0xffffffffL,
        1L << 62,
        -(1L << 62)
    };

    /** A key generator over a key space. */
    private interface Keys {
        CompositeKey next(SplittableRandom r);
    }

    /** Both tables, the known keys (for picking existing ones) and the seed. */
    private static final class Pair {
        final BTreeTable<Long> tree = new BTreeTable<>();
        final InMemoryTable<Long> ref = new InMemoryTable<>();
        final List<CompositeKey> known = new ArrayList<>();
        final long seed;
        final SplittableRandom r;
        long value;

        Pair(long seed) {
            this.seed = seed;
            this.r = new SplittableRandom(seed);
        }

        /** A lazy assertion message (most checks pass; building strings would dominate). */
        Supplier<String> msg(String what) {
            return () -> "seed=" + seed + " size=" + ref.size() + ": " + what;
        }

        Supplier<String> msg(Supplier<String> what) {
            return () -> "seed=" + seed + " size=" + ref.size() + ": " + what.get();
        }

        void put(CompositeKey k) {
            Long v = value++;
            tree.put(k, v);
            ref.put(k, v);
            known.add(k);
        }

        void delete(CompositeKey k) {
            tree.delete(k);
            ref.delete(k);
        }

        CompositeKey existing() {
            return known.get(r.nextInt(known.size()));
        }
    }

    // ------------------------------------------------------------------ key spaces

    private static long edgeOr(SplittableRandom r, long bound) {
        return r.nextInt(4) == 0 ? EDGES[r.nextInt(EDGES.length)] : r.nextLong(bound);
    }

    /** ~ a few thousand keys: forces many splits and merges at a hovering size. */
    private static final Keys SMALL =
            r ->
                    new CompositeKey(
                            EDGES[r.nextInt(4) + 3], // -1, -2, -3, MIN: all unsigned-high
                            r.nextInt(40),
                            r.nextInt(3) == 0 ? -1L - r.nextInt(20) : r.nextInt(20));

    /** Keys differing only in b or only in c, mixed with edge values. */
    private static final Keys ONE_PART =
            r ->
                    r.nextBoolean()
                            ? new CompositeKey(7, edgeOr(r, 5000), 0)
                            : new CompositeKey(7, 9, edgeOr(r, 5000));

    /** Wide random keys: every part random (half of them negative), plus edges. */
    private static final Keys LARGE =
            r ->
                    new CompositeKey(
                            r.nextInt(8) == 0 ? EDGES[r.nextInt(EDGES.length)] : r.nextLong() >> 40,
                            r.nextInt(3) == 0 ? EDGES[r.nextInt(EDGES.length)] : r.nextLong(),
                            r.nextInt(2) == 0 ? 0 : r.nextLong());

    // ------------------------------------------------------------------ tests

    @Test
    void smallKeySpaceChurn() {
        for (long seed : new long[] {1, 2, 3}) {
            churn(new Pair(seed), SMALL, 100_000, 0.5, 0.5, 997);
        }
    }

    @Test
    void onePartKeysChurn() {
        churn(new Pair(11), ONE_PART, 150_000, 0.6, 0.4, 1499);
    }

    @Test
    void largeKeySpaceGrowThenShrink() {
        Pair p = new Pair(21);
        churn(p, LARGE, 150_000, 0.8, 0.1, 4999); // grows to ~100k
        churn(p, LARGE, 150_000, 0.2, 0.7, 4999); // shrinks again
        drainAndRefill(p, LARGE);
    }

    @Test
    void ascendingAppendsWithFrontDeletes() {
        long seed = 31;
        Pair p = new Pair(seed);
        int vms = 6;
        long[] next = new long[vms];
        long[] head = new long[vms];
        for (int op = 1; op <= 200_000; op++) {
            int vm = p.r.nextInt(vms);
            long vmKey = vm == 0 ? -1L : vm == 1 ? Long.MIN_VALUE : vm;
            if (p.r.nextInt(10) < 7 || head[vm] == next[vm]) {
                p.put(CompositeKey.of(vmKey, next[vm]++));
            } else if (p.r.nextInt(4) == 0) {
                // a random hole in the middle
                p.delete(CompositeKey.of(vmKey, head[vm] + p.r.nextLong(next[vm] - head[vm])));
            } else {
                p.delete(CompositeKey.of(vmKey, head[vm]++));
            }
            if (op % 1009 == 0) {
                compare(p, SMALL, op % 20_000 < 1009);
            }
        }
        compare(p, SMALL, true);
        drainAndRefill(p, r -> CompositeKey.of(r.nextInt(3), r.nextInt(100_000)));
    }

    @Test
    void sequentialFillAndDrainBothDirections() {
        long seed = 41;
        for (boolean ascending : new boolean[] {true, false}) {
            Pair p = new Pair(seed);
            int n = 50_000;
            for (int i = 0; i < n; i++) {
                p.put(CompositeKey.of(-5, ascending ? i : n - i));
            }
            compare(p, SMALL, true);
            // delete from the left edge, the right edge, then every other key
            for (int i = 0; i < n / 4; i++) {
                p.delete(CompositeKey.of(-5, i));
                p.delete(CompositeKey.of(-5, n - i));
            }
            compare(p, SMALL, true);
            for (int i = 0; i <= n; i += 2) {
                p.delete(CompositeKey.of(-5, i));
            }
            compare(p, SMALL, true);
            drainAndRefill(p, r -> CompositeKey.of(-5, r.nextInt(n)));
        }
    }

    @Test
    void emptyAndEdgeQueries() {
        BTreeTable<String> t = new BTreeTable<>();
        CompositeKey lo = CompositeKey.of(0, 0, 0);
        CompositeKey hi = CompositeKey.of(-1L, -1L, -1L);
        assertEquals(0, t.size());
        assertNull(t.get(lo));
        assertNull(t.floor(lo, hi));
        assertNull(t.ceiling(lo, hi));
        try (Cursor<String> c = t.range(lo, hi)) {
            assertFalse(c.hasNext());
            assertThrows(NoSuchElementException.class, c::next);
        }
        t.delete(lo);
        assertEquals(0, t.size());

        t.put(hi, "max");
        t.put(lo, "min");
        t.put(CompositeKey.of(Long.MIN_VALUE), "mid");
        t.put(CompositeKey.of(Long.MAX_VALUE, -1L, -1L), "below-mid");
        t.put(hi, "max2"); // replace
        assertEquals(4, t.size());
        assertEquals("max2", t.get(hi));
        // unsigned order: lo < (MAX, -1, -1) < (MIN, 0, 0) < hi
        assertEquals(
                "below-mid", t.floor(lo, CompositeKey.of(Long.MAX_VALUE, -1L, -1L)).getValue());
        assertEquals("min", t.floor(lo, CompositeKey.of(Long.MAX_VALUE, -1L, -2L)).getValue());
        assertEquals("mid", t.floor(lo, CompositeKey.of(-2L)).getValue());
        assertEquals("below-mid", t.ceiling(CompositeKey.of(1), hi).getValue());
        assertEquals("mid", t.ceiling(CompositeKey.of(Long.MIN_VALUE), hi).getValue());
        assertEquals("max2", t.ceiling(CompositeKey.of(Long.MIN_VALUE, 0, 1), hi).getValue());
        assertNull(t.floor(CompositeKey.of(1), CompositeKey.of(Long.MAX_VALUE, -1L, -2L)));
        assertNull(t.ceiling(CompositeKey.of(Long.MIN_VALUE, 0, 1), CompositeKey.of(-2L)));
        assertEquals(hi, t.floor(hi, hi).getKey());
        assertEquals(lo, t.ceiling(lo, lo).getKey());
        assertNull(t.floor(hi, lo)); // from > at
        assertNull(t.ceiling(hi, lo)); // at > to
        try (Cursor<String> c = t.range(hi, lo)) { // from > to
            assertFalse(c.hasNext());
        }
        try (Cursor<String> c = t.range(hi, hi)) { // single element
            assertTrue(c.hasNext());
            assertEquals("max2", c.next().getValue());
            assertFalse(c.hasNext());
        }
        t.verify();
    }

    // ------------------------------------------------------------------ drivers

    /** Runs {@code ops} random operations, comparing every {@code every} ops. */
    private static void churn(Pair p, Keys keys, int ops, double putP, double delP, int every) {
        for (int op = 1; op <= ops; op++) {
            double x = p.r.nextDouble();
            boolean useKnown = !p.known.isEmpty() && p.r.nextInt(3) != 0;
            if (x < putP) {
                p.put(useKnown && p.r.nextInt(4) == 0 ? p.existing() : keys.next(p.r));
            } else if (x < putP + delP) {
                p.delete(useKnown ? p.existing() : keys.next(p.r));
            } else {
                CompositeKey k = useKnown ? p.existing() : keys.next(p.r);
                assertEquals(p.ref.get(k), p.tree.get(k), p.msg(() -> "get " + k));
            }
            if (op % every == 0) {
                compare(p, keys, op % (every * 10) == 0);
            }
        }
        compare(p, keys, true);
    }

    /** Deletes every key (in random order), checks emptiness, then reinserts. */
    private static void drainAndRefill(Pair p, Keys keys) {
        List<CompositeKey> all = new ArrayList<>();
        try (Cursor<Long> c =
                p.ref.range(CompositeKey.of(0, 0, 0), CompositeKey.of(-1L, -1L, -1L))) {
            c.forEachRemaining(e -> all.add(e.getKey()));
        }
        for (int i = all.size() - 1; i > 0; i--) {
            int j = p.r.nextInt(i + 1);
            CompositeKey t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        for (int i = 0; i < all.size(); i++) {
            p.delete(all.get(i));
            if (i % 997 == 0) {
                compare(p, keys, false);
            }
        }
        assertEquals(0, p.tree.size(), p.msg("drained size"));
        assertEquals(0, p.tree.height(), p.msg("drained height"));
        compare(p, keys, true);
        for (int i = 0; i < 30_000; i++) {
            p.put(keys.next(p.r));
            if (i % 997 == 0) {
                compare(p, keys, false);
            }
        }
        compare(p, keys, true);
    }

    /** Compares both tables: size, structure, random point/range/floor/ceiling queries. */
    private static void compare(Pair p, Keys keys, boolean full) {
        BTreeTable<Long> t = p.tree;
        InMemoryTable<Long> ref = p.ref;
        assertEquals(ref.size(), t.size(), p.msg("size"));
        try {
            t.verify();
        } catch (IllegalStateException e) {
            fail(p.msg(() -> "structure: " + e.getMessage()));
        }
        // depth stays logarithmic: with >= 2 children per inner node (and far more in practice)
        int bound = 1 + (int) Math.ceil(Math.log(Math.max(2, ref.size())) / Math.log(8));
        assertTrue(t.height() <= bound, p.msg(() -> "height " + t.height() + " > " + bound));
        SplittableRandom r = p.r;
        for (int i = 0; i < 20; i++) {
            CompositeKey k = pick(p, keys);
            assertEquals(ref.get(k), t.get(k), p.msg(() -> "get " + k));
            CompositeKey k2 = pick(p, keys);
            CompositeKey from = r.nextInt(8) == 0 ? k2 : k; // sometimes from > to
            // sometimes a single element (or empty) range
            CompositeKey to = r.nextInt(6) == 0 ? from : from == k ? k2 : k;
            assertEquals(
                    ref.floor(from, to),
                    t.floor(from, to),
                    p.msg(() -> "floor " + from + " " + to));
            assertEquals(
                    ref.ceiling(from, to),
                    t.ceiling(from, to),
                    p.msg(() -> "ceiling " + from + " " + to));
            CompositeKey lo = CompositeKey.of(0, 0, 0);
            CompositeKey hi = CompositeKey.of(-1L, -1L, -1L);
            assertEquals(ref.floor(lo, k), t.floor(lo, k), p.msg(() -> "floor from 0 to " + k));
            assertEquals(
                    ref.ceiling(k, hi), t.ceiling(k, hi), p.msg(() -> "ceiling " + k + " to -1"));
            if (i < 4) {
                assertRange(p, from, to, 2_000);
                assertRange(p, CompositeKey.lastOf(k.a()), CompositeKey.lastOf(-1L), 300);
                assertRange(
                        p, CompositeKey.of(k.a(), k.b()), CompositeKey.lastOf(k.a(), k.b()), 300);
            }
        }
        if (full) {
            assertRange(
                    p, CompositeKey.of(0, 0, 0), CompositeKey.of(-1L, -1L, -1L), Integer.MAX_VALUE);
        }
    }

    /** An existing key, a neighbour of one, or a fresh one from the key space. */
    private static CompositeKey pick(Pair p, Keys keys) {
        SplittableRandom r = p.r;
        if (p.known.isEmpty() || r.nextInt(3) == 0) {
            return keys.next(r);
        }
        CompositeKey k = p.existing();
        switch (r.nextInt(4)) {
            case 0:
                return new CompositeKey(k.a(), k.b(), k.c() + 1);
            case 1:
                return new CompositeKey(k.a(), k.b(), k.c() - 1);
            case 2:
                return new CompositeKey(k.a(), k.b() + (r.nextBoolean() ? 1 : -1), k.c());
            default:
                return k;
        }
    }

    /** Compares up to {@code limit} entries of a range, then that both agree on having more. */
    private static void assertRange(Pair p, CompositeKey from, CompositeKey to, int limit) {
        try (Cursor<Long> a = p.ref.range(from, to);
                Cursor<Long> b = p.tree.range(from, to)) {
            int n = 0;
            while (n < limit) {
                boolean has = a.hasNext();
                int at = n;
                assertEquals(
                        has,
                        b.hasNext(),
                        p.msg(() -> "range " + from + ".." + to + " hasNext at " + at));
                if (!has) {
                    return;
                }
                Map.Entry<CompositeKey, Long> x = a.next();
                Map.Entry<CompositeKey, Long> y = b.next();
                assertEquals(x, y, p.msg(() -> "range " + from + ".." + to + " entry " + at));
                n++;
            }
            assertEquals(
                    a.hasNext(), b.hasNext(), p.msg(() -> "range " + from + ".." + to + " tail"));
        }
    }
}
