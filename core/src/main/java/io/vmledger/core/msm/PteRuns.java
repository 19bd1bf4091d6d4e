package io.vmledger.core.msm;

import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.PteRun;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import io.vmledger.core.store.OrderedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The populated 4 KiB PTEs of a VM as runs: key {@code (vm, start)} → {@link PteRun}. Runs never
 * overlap; a map over a populated page is refused before it gets here.
 */
final class PteRuns {
    private final OrderedTable<PteRun> runs;

    PteRuns(OrderedTable<PteRun> runs) {
        this.runs = runs;
    }

    /**
     * The lowest populated address in {@code [lo, hi)}, or null. Runs never overlap, so the run
     * starting last at or below {@code hi - 1} answers the common "nothing there" case alone.
     */
    Long firstPopulated(long vm, long lo, long hi) {
        Map.Entry<CompositeKey, PteRun> last =
                runs.floor(CompositeKey.of(vm, 0), CompositeKey.of(vm, hi - 1));
        if (last == null || Long.compareUnsigned(last.getValue().end(), lo) <= 0) {
            return null;
        }
        if (Long.compareUnsigned(DeviceTables.pteStart(last.getKey()), lo) <= 0) {
            return lo;
        }
        Map.Entry<CompositeKey, PteRun> below =
                runs.floor(CompositeKey.of(vm, 0), CompositeKey.of(vm, lo));
        if (below != null && Long.compareUnsigned(below.getValue().end(), lo) > 0) {
            return lo;
        }
        Map.Entry<CompositeKey, PteRun> above =
                runs.ceiling(CompositeKey.of(vm, lo), CompositeKey.of(vm, hi - 1));
        return above == null ? null : DeviceTables.pteStart(above.getKey());
    }

    /**
     * The run containing address {@code addr}, keyed by its start ({@link DeviceTables#pteStart}),
     * or null.
     */
    Map.Entry<CompositeKey, PteRun> runAt(long vm, long addr) {
        Map.Entry<CompositeKey, PteRun> e =
                runs.floor(CompositeKey.of(vm, 0), CompositeKey.of(vm, addr));
        return e != null && Long.compareUnsigned(e.getValue().end(), addr) > 0 ? e : null;
    }

    /** Populates {@code [lo, hi)} with {@code bo} from {@code offset}. */
    void add(long vm, long lo, long hi, Long bo, long offset) {
        runs.put(CompositeKey.of(vm, lo), new PteRun(hi, bo, offset));
    }

    /** Clears {@code [lo, hi)}; returns the number of bytes that were populated. */
    long remove(long vm, long lo, long hi) {
        CompositeKey exact = CompositeKey.of(vm, lo);
        PteRun run = runs.get(exact);
        if (run != null && run.end() == hi) {
            runs.delete(exact);
            return hi - lo;
        }
        List<Map.Entry<CompositeKey, PteRun>> hit = new ArrayList<>(2);
        Map.Entry<CompositeKey, PteRun> below =
                runs.floor(CompositeKey.of(vm, 0), CompositeKey.of(vm, lo));
        if (below != null
                && DeviceTables.pteStart(below.getKey()) != lo
                && Long.compareUnsigned(below.getValue().end(), lo) > 0) {
            hit.add(below);
        }
        try (Cursor<PteRun> c = runs.range(CompositeKey.of(vm, lo), CompositeKey.of(vm, hi - 1))) {
            while (c.hasNext()) {
                hit.add(c.next());
            }
        }
        long cleared = 0;
        for (Map.Entry<CompositeKey, PteRun> e : hit) {
            long start = DeviceTables.pteStart(e.getKey());
            PteRun r = e.getValue();
            long from = Long.compareUnsigned(start, lo) > 0 ? start : lo;
            long to = Long.compareUnsigned(r.end(), hi) < 0 ? r.end() : hi;
            cleared += to - from;
            runs.delete(e.getKey());
            if (Long.compareUnsigned(start, lo) < 0) {
                runs.put(CompositeKey.of(vm, start), new PteRun(lo, r.bo(), r.offset()));
            }
            if (Long.compareUnsigned(r.end(), hi) > 0) {
                runs.put(
                        CompositeKey.of(vm, hi),
                        new PteRun(r.end(), r.bo(), r.offset() + (hi - start)));
            }
        }
        return cleared;
    }

    /** Clears every PTE of {@code vm}. */
    void clear(long vm) {
        List<CompositeKey> keys = new ArrayList<>();
        try (Cursor<PteRun> c = runs.range(CompositeKey.of(vm, 0), CompositeKey.lastOf(vm))) {
            while (c.hasNext()) {
                keys.add(c.next().getKey());
            }
        }
        keys.forEach(runs::delete);
    }
}
