package io.vmledger.engine.store;

import io.vmledger.schema.store.ByteStore;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A processor's read-write {@link KeyValueStore} as a {@link ByteStore}. */
public final class KeyValueByteStore implements ByteStore {
    private final KeyValueStore<Bytes, byte[]> store;

    public KeyValueByteStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    @Override
    public byte[] get(Bytes key) {
        return store.get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        store.put(key, value);
    }

    @Override
    public void delete(Bytes key) {
        store.delete(key);
    }

    @Override
    public CloseableIterator range(Bytes from, Bytes to, boolean descending) {
        return iterator(descending ? store.reverseRange(from, to) : store.range(from, to));
    }

    /**
     * A Kafka Streams iterator as a {@link CloseableIterator}, without null values: a key deleted
     * in the record cache can still come out of a caching store's merged (reverse) range iterator
     * with a null value, and a deleted key is absent.
     */
    public static CloseableIterator iterator(KeyValueIterator<Bytes, byte[]> it) {
        return new CloseableIterator() {
            private KeyValue<Bytes, byte[]> next;

            @Override
            public boolean hasNext() {
                while (next == null && it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    if (kv.value != null) {
                        next = kv;
                    }
                }
                return next != null;
            }

            @Override
            public Map.Entry<Bytes, byte[]> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                KeyValue<Bytes, byte[]> kv = next;
                next = null;
                return Map.entry(kv.key, kv.value);
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }
}
