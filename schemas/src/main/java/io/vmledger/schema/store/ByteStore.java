package io.vmledger.schema.store;

import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The byte-level access {@link StoreTable} needs from a Kafka Streams key/value store: the fold's
 * read-write store inside a processor, or a read-only interactive query.
 */
public interface ByteStore {
    /** The value under {@code key}, or null. */
    byte[] get(Bytes key);

    /** Stores {@code value} under {@code key}. */
    void put(Bytes key, byte[] value);

    /** Removes {@code key}. */
    void delete(Bytes key);

    /**
     * Entries with {@code from <= key <= to} in byte order, descending if asked; a null bound is
     * open.
     */
    CloseableIterator range(Bytes from, Bytes to, boolean descending);

    /** A store iterator that must be closed. */
    interface CloseableIterator extends Iterator<Map.Entry<Bytes, byte[]>>, AutoCloseable {
        @Override
        void close();
    }
}
