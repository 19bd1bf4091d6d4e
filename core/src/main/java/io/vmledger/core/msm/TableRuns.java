package io.vmledger.core.msm;

import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import io.vmledger.core.store.OrderedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The set of allocated page tables of one level of a VM, kept as coalesced runs of table indices:
 * key {@code (vm, level, first)} → end (exclusive). A table index is {@code iova >>> shift} for the
 * level's coverage (39, 30 or 21 bits), so a mapping of any size costs O(log n + runs touched), not
 * O(tables).
 */
final class TableRuns {
    private final OrderedTable<Long> runs;

    TableRuns(OrderedTable<Long> runs) {
        this.runs = runs;
    }

    /** Whether table {@code idx} exists. */
    boolean contains(long vm, int level, long idx) {
        Map.Entry<CompositeKey, Long> e =
                runs.floor(CompositeKey.of(vm, level, 0), CompositeKey.of(vm, level, idx));
        return e != null && Long.compareUnsigned(e.getValue(), idx) > 0;
    }

    /** How many of the indices {@code [lo, hi)} exist. */
    long countPresent(long vm, int level, long lo, long hi) {
        Map.Entry<CompositeKey, Long> covering =
                runs.floor(CompositeKey.of(vm, level, 0), CompositeKey.of(vm, level, lo));
        if (covering != null && covering.getValue() >= hi) {
            return hi - lo;
        }
        long n = 0;
        for (long[] r : overlapping(vm, level, lo, hi, false)) {
            n += Math.min(r[1], hi) - Math.max(r[0], lo);
        }
        return n;
    }

    /**
     * Adds indices {@code [lo, hi)}, coalescing with neighbours ({@link #countPresent} says how
     * many are new).
     */
    void add(long vm, int level, long lo, long hi) {
        long newLo = lo;
        long newHi = hi;
        for (long[] r : overlapping(vm, level, lo, hi, true)) {
            newLo = Math.min(newLo, r[0]);
            newHi = Math.max(newHi, r[1]);
            runs.delete(CompositeKey.of(vm, level, r[0]));
        }
        runs.put(CompositeKey.of(vm, level, newLo), newHi);
    }

    /** Removes indices {@code [lo, hi)}; returns how many existed. */
    long remove(long vm, int level, long lo, long hi) {
        if (hi <= lo) {
            return 0;
        }
        long removed = 0;
        for (long[] r : overlapping(vm, level, lo, hi, false)) {
            removed += Math.min(r[1], hi) - Math.max(r[0], lo);
            runs.delete(CompositeKey.of(vm, level, r[0]));
            if (r[0] < lo) {
                runs.put(CompositeKey.of(vm, level, r[0]), lo);
            }
            if (r[1] > hi) {
                runs.put(CompositeKey.of(vm, level, hi), r[1]);
            }
        }
        return removed;
    }

    /** Removes every table of {@code vm}. */
    void clear(long vm) {
        List<CompositeKey> keys = new ArrayList<>();
        try (Cursor<Long> c = runs.range(CompositeKey.of(vm, 0, 0), CompositeKey.lastOf(vm))) {
            while (c.hasNext()) {
                keys.add(c.next().getKey());
            }
        }
        keys.forEach(runs::delete);
    }

    /**
     * Runs {@code {first, end}} that overlap {@code [lo, hi)}, or with {@code touching} also those
     * that merely touch it. Indices are below 2^52, so signed comparisons are safe.
     */
    private List<long[]> overlapping(long vm, int level, long lo, long hi, boolean touching) {
        List<long[]> out = new ArrayList<>(2);
        Map.Entry<CompositeKey, Long> below =
                runs.floor(CompositeKey.of(vm, level, 0), CompositeKey.of(vm, level, lo));
        if (below != null && (touching ? below.getValue() >= lo : below.getValue() > lo)) {
            out.add(new long[] {DeviceTables.ptTableFirst(below.getKey()), below.getValue()});
        }
        long lastStart = touching ? hi : hi - 1;
        if (lastStart > lo) {
            try (Cursor<Long> c =
                    runs.range(
                            CompositeKey.of(vm, level, lo + 1),
                            CompositeKey.of(vm, level, lastStart))) {
                while (c.hasNext()) {
                    Map.Entry<CompositeKey, Long> e = c.next();
                    out.add(new long[] {DeviceTables.ptTableFirst(e.getKey()), e.getValue()});
                }
            }
        }
        return out;
    }
}
