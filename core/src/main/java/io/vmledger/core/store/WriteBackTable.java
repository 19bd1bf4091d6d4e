package io.vmledger.core.store;

import java.util.Map;

/**
 * A per-event write-back buffer in front of an {@link OrderedTable} for records an event reads and
 * rewrites many times (a BO's VMA count, a VM's page-table counters): point reads and writes go to
 * a hash map and reach the table once, at {@link #flush()}. Ordered reads flush first, so they
 * always see every write.
 */
public final class WriteBackTable<V> implements OrderedTable<V>, BufferedTable {
    private final OrderedTable<V> table;
    private final PendingWrites<V> pending = new PendingWrites<>();

    public WriteBackTable(OrderedTable<V> table) {
        this.table = table;
    }

    @Override
    public V get(CompositeKey key) {
        return pending.has(key) ? pending.value(key) : table.get(key);
    }

    @Override
    public void put(CompositeKey key, V value) {
        pending.put(key, value);
    }

    @Override
    public void delete(CompositeKey key) {
        pending.delete(key);
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
    public void flush() {
        pending.flushTo(table);
    }
}
