package io.vmledger.core.store;

import java.util.Map;

/**
 * A table read and written in the heap ({@link BTreeTable}) with a durable copy elsewhere (the
 * engine's state store): on its first use it copies the durable table's entries (one ordered scan;
 * a table an event never uses is never read), every read is then a heap read, and the keys an event
 * changed reach the durable table once each, at {@link #flush()}. So the fold pays one durable
 * write per changed key per event and, once loaded, no durable read at all.
 */
public final class MirroredTable<V> implements OrderedTable<V>, BufferedTable {
    private static final CompositeKey FIRST = CompositeKey.of(0, 0, 0);
    private static final CompositeKey LAST = CompositeKey.of(-1L, -1L, -1L);

    /** The heap copy, null until the table is first used. */
    private BTreeTable<V> heap;

    private final OrderedTable<V> durable;

    /** Keys changed since the last flush. */
    private final PendingWrites<V> dirty = new PendingWrites<>();

    /** A heap copy of {@code durable}, made when the table is first used. */
    public MirroredTable(OrderedTable<V> durable) {
        this.durable = durable;
    }

    private BTreeTable<V> heap() {
        if (heap == null) {
            heap = new BTreeTable<>();
            try (Cursor<V> c = durable.range(FIRST, LAST)) {
                while (c.hasNext()) {
                    Map.Entry<CompositeKey, V> e = c.next();
                    heap.put(e.getKey(), e.getValue());
                }
            }
        }
        return heap;
    }

    /** Entries held in the heap (0 before the first use). */
    public int size() {
        return heap == null ? 0 : heap.size();
    }

    @Override
    public V get(CompositeKey key) {
        return heap().get(key);
    }

    @Override
    public void put(CompositeKey key, V value) {
        heap().put(key, value);
        dirty.put(key, value);
    }

    @Override
    public void delete(CompositeKey key) {
        heap().delete(key);
        dirty.delete(key);
    }

    @Override
    public Cursor<V> range(CompositeKey from, CompositeKey to) {
        return heap().range(from, to);
    }

    @Override
    public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
        return heap().floor(from, at);
    }

    @Override
    public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
        return heap().ceiling(at, to);
    }

    @Override
    public void flush() {
        dirty.flushTo(durable);
    }
}
