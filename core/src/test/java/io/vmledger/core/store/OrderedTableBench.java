package io.vmledger.core.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A JMH-free timing harness (not a test) comparing {@link InMemoryTable} (TreeMap) with {@link
 * BTreeTable}. Run after {@code mvn -o -pl streams-engine test-compile}:
 *
 * <pre>
 * java -cp streams-engine/target/classes:streams-engine/target/test-classes \
 *     io.vmledger.core.store.OrderedTableBench [rounds [treemap|btree|all]]
 * </pre>
 *
 * Run one implementation per JVM ({@code treemap}, then {@code btree}) for figures that are not
 * skewed by the JIT profile of the other one (call sites become bimorphic). Keys look like the
 * fold's {@code (vm, addr)} keys: 16 VMs, page-aligned 47-bit addresses. Every figure is ns per
 * operation, the best of the rounds after two warm-up rounds (the best, not the median, because
 * shared build machines are noisy: a slower round measures the neighbours). Pass {@code
 * -XX:+UseParallelGC} or G1 (the default) as the engine runs; with G1 both tables pay its
 * post-write barrier on every reference store into an old-gen node.
 */
public final class OrderedTableBench {
    private static final int VMS = 16;
    private static final int LOOKUPS = 1_000_000;
    private static long sink;

    private OrderedTableBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String only = args.length > 1 ? args[1] : "all";
        Map<String, Supplier<OrderedTable<Long>>> impls = new LinkedHashMap<>();
        if (!only.equals("btree")) {
            impls.put("TreeMap", InMemoryTable::new);
        }
        if (!only.equals("treemap")) {
            impls.put("BTree", BTreeTable::new);
        }
        run(impls, rounds, new int[] {5_000, 50_000, 250_000, 1_000_000});
    }

    /** Runs every workload for every implementation and prints a table. */
    public static void run(
            Map<String, Supplier<OrderedTable<Long>>> impls, int rounds, int[] sizes) {
        System.out.printf("%-34s", "workload (ns/op, best of rounds)");
        for (String name : impls.keySet()) {
            System.out.printf("%12s", name);
        }
        System.out.println();
        for (int n : sizes) {
            Keys keys = new Keys(n, 42);
            String[] names = {
                "put random",
                "get hit",
                "get miss",
                "floor",
                "ceiling",
                "range <=8",
                "delete 1e6 (hit+miss)"
            };
            double[][] res = new double[names.length][impls.size()];
            int col = 0;
            for (Supplier<OrderedTable<Long>> impl : impls.values()) {
                List<double[]> perRound = new ArrayList<>();
                for (int r = -2; r < rounds; r++) { // two warm-up rounds
                    double[] t = pointWorkloads(impl, keys);
                    if (r >= 0) {
                        perRound.add(t);
                    }
                }
                for (int w = 0; w < names.length; w++) {
                    res[w][col] = best(perRound, w);
                }
                col++;
            }
            for (int w = 0; w < names.length; w++) {
                System.out.printf("%-34s", "n=" + n + " " + names[w]);
                for (double v : res[w]) {
                    System.out.printf("%12.1f", v);
                }
                System.out.println();
            }
        }
        for (int window : new int[] {5_000, 100_000}) {
            System.out.printf("%-34s", "append mix, window " + window);
            for (Supplier<OrderedTable<Long>> impl : impls.values()) {
                double[] t = new double[rounds];
                appendMix(impl.get(), window, 1_000_000); // warm-up
                for (int r = 0; r < rounds; r++) {
                    t[r] = appendMix(impl.get(), window, 1_000_000);
                }
                Arrays.sort(t);
                System.out.printf("%12.1f", t[0]);
            }
            System.out.println();
        }
        System.out.println("(sink " + sink + ")");
    }

    /** Pre-generated keys: n distinct present keys, absent keys and probes. */
    private static final class Keys {
        final CompositeKey[] present;
        final CompositeKey[] absent;
        final CompositeKey[] lookup;
        final CompositeKey[] probeFrom;
        final CompositeKey[] probeAt;
        final CompositeKey[] probeTo;

        Keys(int n, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            java.util.HashSet<CompositeKey> seen = new java.util.HashSet<>();
            present = new CompositeKey[n];
            for (int i = 0; i < n; i++) {
                CompositeKey k;
                do {
                    k = CompositeKey.of(r.nextInt(VMS), r.nextLong(1L << 35) << 12);
                } while (!seen.add(k));
                present[i] = k;
            }
            absent = new CompositeKey[LOOKUPS];
            lookup = new CompositeKey[LOOKUPS];
            probeFrom = new CompositeKey[LOOKUPS];
            probeAt = new CompositeKey[LOOKUPS];
            probeTo = new CompositeKey[LOOKUPS];
            for (int i = 0; i < LOOKUPS; i++) {
                CompositeKey p = present[r.nextInt(n)];
                lookup[i] = new CompositeKey(p.a(), p.b(), p.c()); // fresh, like the fold's keys
                long vm = r.nextInt(VMS);
                long addr = r.nextLong(1L << 35) << 12;
                absent[i] = CompositeKey.of(vm, addr | 1); // odd: never present
                probeFrom[i] = CompositeKey.of(vm, 0);
                probeAt[i] = CompositeKey.of(vm, addr);
                probeTo[i] = CompositeKey.lastOf(vm);
            }
        }
    }

    /** One round of every point workload on a fresh table; each loop is its own method. */
    private static double[] pointWorkloads(Supplier<OrderedTable<Long>> impl, Keys k) {
        OrderedTable<Long> t = impl.get();
        return new double[] {
            puts(t, k.present),
            gets(t, k.lookup),
            gets(t, k.absent),
            floors(t, k),
            ceilings(t, k),
            ranges(t, k),
            deletes(t, k.lookup)
        };
    }

    private static double puts(OrderedTable<Long> t, CompositeKey[] keys) {
        Long one = 1L;
        long t0 = System.nanoTime();
        for (CompositeKey key : keys) {
            t.put(key, one);
        }
        return (System.nanoTime() - t0) / (double) keys.length;
    }

    private static double gets(OrderedTable<Long> t, CompositeKey[] keys) {
        long s = 0;
        long t0 = System.nanoTime();
        for (CompositeKey key : keys) {
            Long v = t.get(key);
            s += v == null ? 0 : 1;
        }
        double ns = (System.nanoTime() - t0) / (double) keys.length;
        sink += s;
        return ns;
    }

    private static double floors(OrderedTable<Long> t, Keys k) {
        long s = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < LOOKUPS; i++) {
            Map.Entry<CompositeKey, Long> e = t.floor(k.probeFrom[i], k.probeAt[i]);
            s += e == null ? 0 : e.getKey().b();
        }
        double ns = (System.nanoTime() - t0) / (double) LOOKUPS;
        sink += s;
        return ns;
    }

    private static double ceilings(OrderedTable<Long> t, Keys k) {
        long s = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < LOOKUPS; i++) {
            Map.Entry<CompositeKey, Long> e = t.ceiling(k.probeAt[i], k.probeTo[i]);
            s += e == null ? 0 : e.getKey().b();
        }
        double ns = (System.nanoTime() - t0) / (double) LOOKUPS;
        sink += s;
        return ns;
    }

    /** Short overlap-style scans: up to 8 entries from a probe. */
    private static double ranges(OrderedTable<Long> t, Keys k) {
        long s = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < LOOKUPS; i++) {
            try (Cursor<Long> c = t.range(k.probeAt[i], k.probeTo[i])) {
                for (int j = 0; j < 8 && c.hasNext(); j++) {
                    s += c.next().getKey().b();
                }
            }
        }
        double ns = (System.nanoTime() - t0) / (double) LOOKUPS;
        sink += s;
        return ns;
    }

    /** Deletes in random order; repeated keys are misses. */
    private static double deletes(OrderedTable<Long> t, CompositeKey[] keys) {
        long t0 = System.nanoTime();
        for (CompositeKey key : keys) {
            t.delete(key);
        }
        return (System.nanoTime() - t0) / (double) keys.length;
    }

    /**
     * Ascending appends per VM ({@code (vm, n)} with n increasing) with, per op, a get of a recent
     * key and a floor; the oldest entry of a VM is deleted once it holds {@code window / VMS}.
     * Returns ns per op (put + get + floor, plus the delete).
     */
    private static double appendMix(OrderedTable<Long> t, int window, int ops) {
        SplittableRandom r = new SplittableRandom(7);
        long[] next = new long[VMS];
        long[] head = new long[VMS];
        int perVm = window / VMS;
        Long one = 1L;
        long s = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            int vm = r.nextInt(VMS);
            long n = next[vm]++;
            t.put(CompositeKey.of(vm, n), one);
            long back = Math.min(n - head[vm], 64);
            Long v = t.get(CompositeKey.of(vm, n - r.nextLong(back + 1)));
            s += v == null ? 0 : 1;
            Map.Entry<CompositeKey, Long> e =
                    t.floor(CompositeKey.of(vm, 0), CompositeKey.of(vm, n - r.nextLong(back + 1)));
            s += e == null ? 0 : e.getKey().b();
            if (n - head[vm] >= perVm) {
                t.delete(CompositeKey.of(vm, head[vm]++));
            }
        }
        sink += s;
        return (System.nanoTime() - t0) / (double) ops;
    }

    private static double best(List<double[]> rounds, int w) {
        double best = Double.MAX_VALUE;
        for (double[] r : rounds) {
            best = Math.min(best, r[w]);
        }
        return best;
    }
}
