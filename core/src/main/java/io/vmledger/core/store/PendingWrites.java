package io.vmledger.core.store;

import java.util.HashMap;
import java.util.Map;

/**
 * The changes an event made to a table and that have not reached it yet: the latest value of each
 * key written, or its removal. {@link WriteBackTable} and {@link MirroredTable} hold back their
 * writes in one, so each changed key reaches the table once per event.
 */
final class PendingWrites<V> {
    private static final Object DELETED = new Object();

    private final Map<CompositeKey, Object> pending = new HashMap<>();

    /** Whether {@code key} has a pending change. */
    boolean has(CompositeKey key) {
        return pending.containsKey(key);
    }

    /** The pending value of {@code key}: null if it is pending removal (see {@link #has}). */
    @SuppressWarnings("unchecked")
    V value(CompositeKey key) {
        Object v = pending.get(key);
        return v == DELETED ? null : (V) v;
    }

    void put(CompositeKey key, V value) {
        pending.put(key, value);
    }

    void delete(CompositeKey key) {
        pending.put(key, DELETED);
    }

    /** Writes every pending change to {@code table} and forgets them. */
    @SuppressWarnings("unchecked")
    void flushTo(OrderedTable<V> table) {
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
