package io.vmledger.bench;

import io.vmledger.core.state.DeviceTables;
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
 * comparison is counted per table. Used by {@link OpCountProbe} to explain where the fold's time
 * goes without a profiler; not used by the timed benchmarks.
 */
public final class CountingTables {

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
        private final NavigableMap<CompositeKey, V> map =
                new TreeMap<>(
                        (x, y) -> {
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
            Iterator<Map.Entry<CompositeKey, V>> it =
                    from.compareTo(to) > 0
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

    /** Every table by name, in the order the fold's {@link DeviceTables} asks for them. */
    private final Map<String, Table<?>> tables = new LinkedHashMap<>();

    /** The device's tables, over counting tables. */
    private final DeviceTables device =
            new DeviceTables(
                    DeviceTables.withWriteBack(
                            new DeviceTables.TableSource() {
                                @Override
                                public <V> OrderedTable<V> table(String name) {
                                    Table<V> t = new Table<>();
                                    tables.put(name, t);
                                    return t;
                                }
                            }));

    /** The device tables to fold into (with the fold's usual write-back buffering in front). */
    public DeviceTables device() {
        return device;
    }

    /** Every table by name. */
    public Map<String, Table<?>> tables() {
        return tables;
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
}
