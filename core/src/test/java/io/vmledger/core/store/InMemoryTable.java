package io.vmledger.core.store;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The reference {@link OrderedTable}: a {@link TreeMap}, O(log n) point and range access. Tests
 * hold {@link BTreeTable} against it.
 */
public final class InMemoryTable<V> implements OrderedTable<V> {
    private final NavigableMap<CompositeKey, V> map = new TreeMap<>();

    @Override
    public V get(CompositeKey key) {
        return map.get(key);
    }

    @Override
    public void put(CompositeKey key, V value) {
        map.put(key, value);
    }

    @Override
    public void delete(CompositeKey key) {
        map.remove(key);
    }

    @Override
    public Cursor<V> range(CompositeKey from, CompositeKey to) {
        if (from.compareTo(to) > 0) {
            return wrap(java.util.Collections.emptyIterator());
        }
        return wrap(map.subMap(from, true, to, true).entrySet().iterator());
    }

    @Override
    public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
        Map.Entry<CompositeKey, V> e = map.floorEntry(at);
        return e != null && e.getKey().compareTo(from) >= 0 ? e : null;
    }

    @Override
    public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
        Map.Entry<CompositeKey, V> e = map.ceilingEntry(at);
        return e != null && e.getKey().compareTo(to) <= 0 ? e : null;
    }

    /** Number of entries (for tests and statistics). */
    public int size() {
        return map.size();
    }

    private static <V> Cursor<V> wrap(Iterator<Map.Entry<CompositeKey, V>> it) {
        return new Cursor<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Map.Entry<CompositeKey, V> next() {
                return it.next();
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }
}
