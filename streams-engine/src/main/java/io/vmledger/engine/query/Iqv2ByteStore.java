package io.vmledger.engine.query;

import io.vmledger.engine.store.ByteStore;
import io.vmledger.engine.store.KeyValueByteStore;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * One partition of an engine store read through interactive queries v2 (IQv2), as a read-only
 * {@link ByteStore}: the query side of the same tables the fold writes. Only active tasks
 * answer, so a reply never comes from a lagging standby.
 */
final class Iqv2ByteStore implements ByteStore {
    private final KafkaStreams streams;
    private final String store;
    private final int partition;

    Iqv2ByteStore(KafkaStreams streams, String store, int partition) {
        this.streams = streams;
        this.store = store;
        this.partition = partition;
    }

    @Override
    public byte[] get(Bytes key) {
        return result(StateQueryRequest.inStore(store).withQuery(KeyQuery.<Bytes, byte[]>withKey(key)));
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
        RangeQuery<Bytes, byte[]> q = RangeQuery.withRange(from, to);
        KeyValueIterator<Bytes, byte[]> it =
                result(StateQueryRequest.inStore(store).withQuery(descending ? q.withDescendingKeys() : q));
        return KeyValueByteStore.iterator(it);
    }

    private <R> R result(StateQueryRequest<R> request) {
        return result(streams, store, partition, request);
    }

    /**
     * The answer of {@code partition} of {@code store} to {@code request}, from the active task only.
     *
     * @throws Unavailable if the partition is not hosted here or the query failed
     */
    static <R> R result(KafkaStreams streams, String store, int partition, StateQueryRequest<R> request) {
        StateQueryResult<R> r = streams.query(request.withPartitions(Set.of(partition)).requireActive());
        QueryResult<R> p = r.getPartitionResults().get(partition);
        if (p == null) {
            throw new Unavailable("partition " + partition + " of store " + store + " is not hosted here");
        }
        if (p.isFailure()) {
            throw new Unavailable(p.getFailureReason() + ": " + p.getFailureMessage());
        }
        return p.getResult();
    }
}
