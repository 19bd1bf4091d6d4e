package io.vmledger.core.store;

import java.util.Iterator;
import java.util.Map;

/**
 * An ascending iterator over table entries that must be closed (store iterators hold resources).
 */
public interface Cursor<V> extends Iterator<Map.Entry<CompositeKey, V>>, AutoCloseable {
    @Override
    void close();
}
