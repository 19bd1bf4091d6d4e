package io.vmledger.schema.store;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * A {@link ByteStore} in memory, ordered like RocksDB (unsigned lexicographic bytes): the engine's
 * store layout and codecs outside Kafka Streams, e.g. a state snapshot loaded for an as-of audit
 * and folded further with {@link StoreTableSource}.
 */
public final class SortedByteStore implements ByteStore {
    private final NavigableMap<Bytes, byte[]> entries = new TreeMap<>();

    @Override
    public byte[] get(Bytes key) {
        return entries.get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        entries.put(key, value);
    }

    @Override
    public void delete(Bytes key) {
        entries.remove(key);
    }

    @Override
    public CloseableIterator range(Bytes from, Bytes to, boolean descending) {
        NavigableMap<Bytes, byte[]> sub =
                from.compareTo(to) > 0 ? new TreeMap<>() : entries.subMap(from, true, to, true);
        Iterator<Map.Entry<Bytes, byte[]>> it =
                (descending ? sub.descendingMap() : sub).entrySet().iterator();
        return new CloseableIterator() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Map.Entry<Bytes, byte[]> next() {
                return it.next();
            }

            @Override
            public void close() {}
        };
    }
}
