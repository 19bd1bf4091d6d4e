package io.vmledger.core.store;

import java.util.HashMap;
import java.util.Map;

/**
 * A per-event write-back buffer in front of an {@link OrderedTable} for records an event reads
 * and rewrites many times (a BO's VMA count, a VM's page-table counters): point reads and writes
 * go to a hash map and reach the table once, at {@link #flush()}. Ordered reads flush first, so
 * they always see every write.
 */
public final class WriteBackTable<V> implements OrderedTable<V>, BufferedTable {
    private static final Object DELETED = new Object();

    private final OrderedTable<V> table;
    /** Pending writes: a value, or {@link #DELETED}. */
    private final Map<CompositeKey, Object> pending = new HashMap<>();

    public WriteBackTable(OrderedTable<V> table) {
        this.table = table;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(CompositeKey key) {
        Object v = pending.get(key);
        if (v == null) {
            return table.get(key);
        }
        return v == DELETED ? null : (V) v;
    }

    @Override
    public void put(CompositeKey key, V value) {
        pending.put(key, value);
    }

    @Override
    public void delete(CompositeKey key) {
        pending.put(key, DELETED);
    }

    @Override
    public Cursor<V> range(CompositeKey from, CompositeKey to) {
        flush();
        return table.range(from, to);
    }

    @Override
    public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
        flush();
        return table.floor(from, at);
    }

    @Override
    public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
        flush();
        return table.ceiling(at, to);
    }

    /** Writes every pending change to the table. */
    @Override
    @SuppressWarnings("unchecked")
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<CompositeKey, Object> e : pending.entrySet()) {
            if (e.getValue() == DELETED) {
                table.delete(e.getKey());
            } else {
                table.put(e.getKey(), (V) e.getValue());
            }
        }
        pending.clear();
    }
}
