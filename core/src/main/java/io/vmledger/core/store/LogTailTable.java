package io.vmledger.core.store;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A table of logs that stays where it is (a store) while the heap keeps each log's tail: keys are
 * {@code (log, n, ..)} and a log only grows at its end, as msm's VM log does (one log per VM, entry
 * n under {@code (vm, n)}). Asking for a log's newest entry (a floor over the whole of {@code (log,
 * *)}) reads the table once per log; after that, appends keep the tail current and the question
 * costs no table read. Every other read and every write passes through.
 *
 * <p>A delete in a log forgets its tail (the next question reads the table again), so the answers
 * are the table's whatever the writes.
 */
public final class LogTailTable<V> implements OrderedTable<V>, BufferedTable {
    /** The tail of a log known to be empty. */
    private static final Map.Entry<CompositeKey, ?> EMPTY =
            new AbstractMap.SimpleImmutableEntry<>(null, null);

    private final WriteBackTable<V> table;

    /** The newest entry of each log whose tail is known ({@link #EMPTY}: known empty). */
    private final Map<Long, Map.Entry<CompositeKey, V>> tails = new HashMap<>();

    /** The logs of {@code table}, their tails kept in the heap. */
    public LogTailTable(WriteBackTable<V> table) {
        this.table = table;
    }

    /** Logs whose tail the heap holds. */
    public int tails() {
        return tails.size();
    }

    @Override
    public V get(CompositeKey key) {
        return table.get(key);
    }

    @Override
    public void put(CompositeKey key, V value) {
        table.put(key, value);
        Map.Entry<CompositeKey, V> tail = tails.get(key.a());
        if (tail != null && (tail == EMPTY || key.compareTo(tail.getKey()) >= 0)) {
            tails.put(key.a(), new AbstractMap.SimpleImmutableEntry<>(key, value));
        }
    }

    @Override
    public void delete(CompositeKey key) {
        table.delete(key);
        tails.remove(key.a());
    }

    @Override
    public Cursor<V> range(CompositeKey from, CompositeKey to) {
        return table.range(from, to);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
        if (!wholeLog(from, at)) {
            return table.floor(from, at);
        }
        Map.Entry<CompositeKey, V> tail = tails.get(from.a());
        if (tail == null) {
            tail = table.floor(from, at);
            tails.put(from.a(), tail == null ? (Map.Entry<CompositeKey, V>) EMPTY : tail);
            return tail;
        }
        return tail == EMPTY ? null : tail;
    }

    @Override
    public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
        return table.ceiling(at, to);
    }

    @Override
    public void flush() {
        table.flush();
    }

    /**
     * Whether {@code [from, at]} is the whole of one log: {@code (a, 0, 0)} to {@code lastOf(a)}.
     */
    private static boolean wholeLog(CompositeKey from, CompositeKey at) {
        return from.a() == at.a()
                && from.b() == 0
                && from.c() == 0
                && at.b() == -1L
                && at.c() == -1L;
    }
}
