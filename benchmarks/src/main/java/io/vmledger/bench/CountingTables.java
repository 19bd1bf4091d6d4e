package io.vmledger.bench;

import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.FbRecord;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.PteRun;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import io.vmledger.core.store.OrderedTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A diagnostic {@link DeviceTables}: the same {@code TreeMap} tables as the in-memory store, but
 * every call (get, put, delete, range, floor), every entry a cursor returns and every key
 * comparison is counted per table. Used by {@link OpCountProbe} to explain where the fold's
 * time goes without a profiler; not used by the timed benchmarks.
 */
public final class CountingTables implements DeviceTables {

    /** Counters of one table. */
    public static final class Counts {
        /** Calls of get, put, delete, range and floor. */
        public long gets;
        /** put calls. */
        public long puts;
        /** delete calls. */
        public long deletes;
        /** range calls (each opens a cursor). */
        public long ranges;
        /** floor and ceiling calls. */
        public long floors;
        /** Entries returned by cursors. */
        public long scanned;
        /** Key comparisons inside the tree. */
        public long compares;

        /** All calls into the table. */
        public long calls() {
            return gets + puts + deletes + ranges + floors;
        }

        void add(Counts o) {
            gets += o.gets;
            puts += o.puts;
            deletes += o.deletes;
            ranges += o.ranges;
            floors += o.floors;
            scanned += o.scanned;
            compares += o.compares;
        }
    }

    /** An {@link OrderedTable} on a {@code TreeMap} with a counting comparator. */
    public static final class Table<V> implements OrderedTable<V> {
        private final Counts counts = new Counts();
        private final NavigableMap<CompositeKey, V> map = new TreeMap<>((x, y) -> {
            counts.compares++;
            return x.compareTo(y);
        });

        /** This table's counters. */
        public Counts counts() {
            return counts;
        }

        /** Entries in the table. */
        public int size() {
            return map.size();
        }

        @Override
        public V get(CompositeKey key) {
            counts.gets++;
            return map.get(key);
        }

        @Override
        public void put(CompositeKey key, V value) {
            counts.puts++;
            map.put(key, value);
        }

        @Override
        public void delete(CompositeKey key) {
            counts.deletes++;
            map.remove(key);
        }

        @Override
        public Cursor<V> range(CompositeKey from, CompositeKey to) {
            counts.ranges++;
            Iterator<Map.Entry<CompositeKey, V>> it = from.compareTo(to) > 0
                    ? Collections.emptyIterator()
                    : map.subMap(from, true, to, true).entrySet().iterator();
            return new Cursor<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Map.Entry<CompositeKey, V> next() {
                    counts.scanned++;
                    return it.next();
                }

                @Override
                public void close() {
                    // nothing to release
                }
            };
        }

        @Override
        public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
            counts.floors++;
            Map.Entry<CompositeKey, V> e = map.floorEntry(at);
            return e != null && e.getKey().compareTo(from) >= 0 ? e : null;
        }

        @Override
        public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
            counts.floors++;
            Map.Entry<CompositeKey, V> e = map.ceilingEntry(at);
            return e != null && e.getKey().compareTo(to) <= 0 ? e : null;
        }
    }

    private final Table<DeviceRecord> device = new Table<>();
    private final Table<VmRecord> vms = new Table<>();
    private final Table<Vma> vas = new Table<>();
    private final Table<Boolean> boVas = new Table<>();
    private final Table<BoRecord> bos = new Table<>();
    private final Table<FileRecord> files = new Table<>();
    private final Table<Boolean> queues = new Table<>();
    private final Table<Integer> handles = new Table<>();
    private final Table<Boolean> prime = new Table<>();
    private final Table<Long> dmabufs = new Table<>();
    private final Table<FbRecord> fbs = new Table<>();
    private final Table<Long> ptTables = new Table<>();
    private final Table<PteRun> ptes = new Table<>();
    private final Table<PageTableStats> ptStats = new Table<>();
    private final Table<VmLogEntry> vmLog = new Table<>();

    /** Every table by its accessor name, in declaration order. */
    public Map<String, Table<?>> tables() {
        Map<String, Table<?>> m = new LinkedHashMap<>();
        m.put("device", device);
        m.put("vms", vms);
        m.put("vas", vas);
        m.put("boVas", boVas);
        m.put("bos", bos);
        m.put("files", files);
        m.put("queues", queues);
        m.put("handles", handles);
        m.put("prime", prime);
        m.put("dmabufs", dmabufs);
        m.put("fbs", fbs);
        m.put("ptTables", ptTables);
        m.put("ptes", ptes);
        m.put("ptStats", ptStats);
        m.put("vmLog", vmLog);
        return m;
    }

    /** The sum of all tables' counters. */
    public Counts total() {
        Counts t = new Counts();
        for (Table<?> x : tables().values()) {
            t.add(x.counts());
        }
        return t;
    }

    /** A copy of every table's counters, in {@link #tables()} order. */
    public List<Counts> snapshot() {
        List<Counts> out = new ArrayList<>();
        for (Table<?> x : tables().values()) {
            Counts c = new Counts();
            c.add(x.counts());
            out.add(c);
        }
        return out;
    }

    @Override
    public OrderedTable<DeviceRecord> device() {
        return device;
    }

    @Override
    public OrderedTable<VmRecord> vms() {
        return vms;
    }

    @Override
    public OrderedTable<Vma> vas() {
        return vas;
    }

    @Override
    public OrderedTable<Boolean> boVas() {
        return boVas;
    }

    @Override
    public OrderedTable<BoRecord> bos() {
        return bos;
    }

    @Override
    public OrderedTable<FileRecord> files() {
        return files;
    }

    @Override
    public OrderedTable<Boolean> queues() {
        return queues;
    }

    @Override
    public OrderedTable<Integer> handles() {
        return handles;
    }

    @Override
    public OrderedTable<Boolean> prime() {
        return prime;
    }

    @Override
    public OrderedTable<Long> dmabufs() {
        return dmabufs;
    }

    @Override
    public OrderedTable<FbRecord> fbs() {
        return fbs;
    }

    @Override
    public OrderedTable<Long> ptTables() {
        return ptTables;
    }

    @Override
    public OrderedTable<PteRun> ptes() {
        return ptes;
    }

    @Override
    public OrderedTable<PageTableStats> ptStats() {
        return ptStats;
    }

    @Override
    public OrderedTable<VmLogEntry> vmLog() {
        return vmLog;
    }
}
