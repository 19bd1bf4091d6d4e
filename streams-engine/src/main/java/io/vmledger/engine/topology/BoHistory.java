package io.vmledger.engine.topology;

import io.vmledger.engine.store.ByteStore;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history of every BO record: a versioned store ({@value #STORE}) holding, under the same key
 * as the {@code bos} store ({@code [device][bos tag][bo]}), each version of the BO's record with
 * the event time (ms) of the event that wrote it, so that {@code GET /devices/{d}/bos/{bo}?asOf=T}
 * answers the BO as it was after the device's last event at or before T.
 *
 * <p>It is fed by {@link #mirroring}: the fold's {@code bos} store wrapped so that every write
 * the fold makes (once per changed BO per event, thanks to the write-back tables) is also put
 * into the history at the current event's time ({@link #at}). So the history sees exactly the
 * BOs an event changed, with no knowledge of event types.
 *
 * <p>History retention is {@link #RETENTION} (ten years): Kafka Streams drops a versioned write
 * older than the store's stream time minus the retention, and the store's stream time is the
 * newest event time of any device in the partition. Devices' clocks are independent (a replayed
 * trace of last year may share a partition with today's fleet) and the ledger itself is kept
 * forever, so the history must tolerate old event times. A dropped write is counted and logged.
 */
public final class BoHistory {
    /** Store name. */
    public static final String STORE = "bo-history";
    /** How far behind the partition's newest event time a BO version is still kept. */
    static final Duration RETENTION = Duration.ofDays(3650);
    /** Segment size of the versioned store: a day of event time. */
    static final Duration SEGMENT = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(BoHistory.class);

    private final VersionedKeyValueStore<Bytes, byte[]> store;
    /** Event time (ms) of the event being folded. */
    private long timestamp;
    /** Versions the store refused as older than its history retention. */
    private long dropped;

    BoHistory(VersionedKeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** Sets the event time of the event about to be folded. */
    void at(long timestampMs) {
        this.timestamp = timestampMs;
    }

    /** {@code bos} with every put and delete also recorded in the history at the current event time. */
    ByteStore mirroring(ByteStore bos) {
        return new ByteStore() {
            @Override
            public byte[] get(Bytes key) {
                return bos.get(key);
            }

            @Override
            public void put(Bytes key, byte[] value) {
                bos.put(key, value);
                record(store.put(key, value, timestamp), key);
            }

            @Override
            public void delete(Bytes key) {
                bos.delete(key);
                store.delete(key, timestamp);
            }

            @Override
            public CloseableIterator range(Bytes from, Bytes to, boolean descending) {
                return bos.range(from, to, descending);
            }
        };
    }

    private void record(long putResult, Bytes key) {
        if (putResult == VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT) {
            dropped++;
            if (dropped == 1 || Long.bitCount(dropped) == 1) {
                LOG.warn("BO history: {} version(s) older than the history retention ({} days) dropped, latest at {} ms"
                        + " (key {})", dropped, RETENTION.toDays(), timestamp, key);
            }
        }
    }
}
