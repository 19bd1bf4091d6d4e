package io.vmledger.schema.store;

import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import io.vmledger.core.store.OrderedTable;
import java.util.AbstractMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * One device's {@link OrderedTable} inside a Kafka Streams store: keys are prefixed with the device
 * and table tag ({@link StoreLayout}), values go through the table's {@link ValueCodec}. Floor and
 * ceiling lookups are one-entry range scans, descending for floor.
 */
public final class StoreTable<V> implements OrderedTable<V> {
    private final ByteStore store;
    private final byte[] prefix;
    private final ValueCodec<V> codec;

    public StoreTable(ByteStore store, byte[] prefix, ValueCodec<V> codec) {
        this.store = store;
        this.prefix = prefix;
        this.codec = codec;
    }

    @Override
    public V get(CompositeKey key) {
        byte[] v = store.get(bytes(key));
        return v == null ? null : codec.decode(v);
    }

    @Override
    public void put(CompositeKey key, V value) {
        store.put(bytes(key), codec.encode(value));
    }

    @Override
    public void delete(CompositeKey key) {
        store.delete(bytes(key));
    }

    @Override
    public Cursor<V> range(CompositeKey from, CompositeKey to) {
        ByteStore.CloseableIterator it = store.range(bytes(from), bytes(to), false);
        return new Cursor<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Map.Entry<CompositeKey, V> next() {
                return entry(it.next());
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }

    @Override
    public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
        return first(store.range(bytes(from), bytes(at), true));
    }

    @Override
    public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
        return first(store.range(bytes(at), bytes(to), false));
    }

    private Map.Entry<CompositeKey, V> first(ByteStore.CloseableIterator it) {
        try (it) {
            return it.hasNext() ? entry(it.next()) : null;
        }
    }

    private Map.Entry<CompositeKey, V> entry(Map.Entry<Bytes, byte[]> e) {
        CompositeKey k = CompositeKey.fromBytes(e.getKey().get(), prefix.length);
        return new AbstractMap.SimpleImmutableEntry<>(k, codec.decode(e.getValue()));
    }

    private Bytes bytes(CompositeKey key) {
        return Bytes.wrap(StoreLayout.key(prefix, key));
    }
}
