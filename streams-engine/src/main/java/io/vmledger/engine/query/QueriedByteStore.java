package io.vmledger.engine.query;

import io.vmledger.engine.store.KeyValueByteStore;
import io.vmledger.schema.store.ByteStore;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * An engine store read through interactive queries, as a read-only {@link ByteStore}: the query
 * side of the same tables the fold writes, and the one path by which every query reads. Only active
 * tasks answer (stale stores are not enabled), so a reply never comes from a lagging standby.
 *
 * <p>Reads go through the read-only key-value store interface, never IQv2: an IQv2 query on a
 * RocksDB store takes the store's position lock before the store lock while the stream thread's
 * {@code put} takes them the other way round, so a query during processing can deadlock the engine
 * for good (KAFKA-19629). The fix (apache/kafka#23184) is in no release served today: in 4.3.2
 * {@code RocksDBStore} is byte-identical to 4.3.1 and 4.4.0 still runs the query under the position
 * lock. The read-only interface takes the store lock only, for the moment a read or an iterator is
 * opened, so a query can delay a put by one read but never block it.
 */
final class QueriedByteStore implements ByteStore {
    private final String name;
    private final ReadOnlyKeyValueStore<Bytes, byte[]> store;

    /** Store {@code name} of {@code partition}, or of every local active partition if null. */
    QueriedByteStore(KafkaStreams streams, String name, Integer partition) {
        this.name = name;
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> p =
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
            this.store = streams.store(partition == null ? p : p.withPartition(partition));
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
            // the iterator skips keys the record cache holds as deleted (null values)
            return KeyValueByteStore.iterator(
                    descending ? store.reverseRange(from, to) : store.range(from, to));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private Unavailable unavailable(InvalidStateStoreException e) {
        return new Unavailable("store " + name + " is not queryable here now: " + e.getMessage());
    }
}
