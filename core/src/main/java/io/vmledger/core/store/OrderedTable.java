package io.vmledger.core.store;

import java.util.Map;

/**
 * The storage interface the domain core folds into: an ordered key/value table over {@link
 * CompositeKey}s. The same fold runs on {@link BTreeTable} (replay, tests, benchmarks) and on the
 * Kafka Streams state stores of the engine.
 *
 * <p>Values are immutable; callers replace them with {@link #put}. A cursor must not be held across
 * writes to the same table: collect what you need, close it, then write.
 */
public interface OrderedTable<V> {
    /** The value under {@code key}, or null. */
    V get(CompositeKey key);

    /** Stores {@code value} under {@code key}. */
    void put(CompositeKey key, V value);

    /** Removes {@code key} if present. */
    void delete(CompositeKey key);

    /** Entries with {@code from <= key <= to} (both inclusive, as Kafka's stores), ascending. */
    Cursor<V> range(CompositeKey from, CompositeKey to);

    /** The greatest entry with {@code from <= key <= at}, or null. */
    Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at);

    /** The least entry with {@code at <= key <= to}, or null. */
    Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to);
}
