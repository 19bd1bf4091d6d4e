package io.vmledger.engine.query;

import io.vmledger.engine.store.ByteStore;
import io.vmledger.engine.store.KeyValueByteStore;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One partition of an engine store read through interactive queries, as a read-only
 * {@link ByteStore}: the query side of the same tables the fold writes. Only the active task
 * answers (stale stores are not enabled), so a reply never comes from a lagging standby.
 *
 * <p>Reads go through the read-only key-value store interface rather than IQv2 key and range
 * queries: in Kafka Streams 4.3.1 an IQv2 query on a RocksDB store takes the store's position
 * lock before the store lock while the stream thread's {@code put} takes them the other way
 * round, and a query during processing can deadlock the engine (KAFKA-19629, seen here with the
 * demo's state sampling). The read-only interface takes the store lock only.
 */
final class QueriedByteStore implements ByteStore {
    private final String name;
    private final ReadOnlyKeyValueStore<Bytes, byte[]> store;

    QueriedByteStore(KafkaStreams streams, String name, int partition) {
        this.name = name;
        try {
            this.store = streams.store(StoreQueryParameters
                    .fromNameAndType(name, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                    .withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public byte[] get(Bytes key) {
        try {
            return store.get(key);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void put(Bytes key, byte[] value) {
        throw new UnsupportedOperationException("queries are read-only");
    }

    @Override
    public void delete(Bytes key) {
        throw new UnsupportedOperationException("queries are read-only");
    }

    @Override
    public CloseableIterator range(Bytes from, Bytes to, boolean descending) {
        try {
            return KeyValueByteStore.iterator(descending ? store.reverseRange(from, to) : store.range(from, to));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private Unavailable unavailable(InvalidStateStoreException e) {
        return new Unavailable("store " + name + " is not queryable here now: " + e.getMessage());
    }
}
