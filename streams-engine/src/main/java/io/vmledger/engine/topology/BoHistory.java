package io.vmledger.engine.topology;

import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StoreLayout;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The history of every BO record, in a plain key/value store ({@value #STORE}): each version of a
 * BO's record under the BO's {@code bos} key ({@code [device][bos tag][bo]}) followed by the event
 * time (ms, 8 bytes, big-endian with the sign bit flipped so that byte order is time order) of the
 * event that wrote it; a removed BO's version is an empty value. So {@code GET
 * /devices/{d}/bos/{bo}?asOf=T} is one descending range read ({@link #asOf}): the BO after the
 * device's last event at or before T's millisecond.
 *
 * <p>A plain store rather than Kafka Streams' versioned store, because interactive queries read
 * every store through one path, the read-only key/value interface, which takes only the store's own
 * lock; the versioned store answers IQv2 queries only (see {@code QueriedByteStore}). Versions are
 * kept forever, as the ledger is (devices' clocks are independent and replayed traces carry old
 * event times, so no time-based retention fits).
 *
 * <p>It is fed by {@link #mirroring}: the fold's {@code bos} store wrapped so that every write the
 * fold makes (once per changed BO per event, thanks to the write-back tables) is also put into the
 * history at the current event's time ({@link #at}). So the history sees exactly the BOs an event
 * changed, with no knowledge of event types.
 */
public final class BoHistory {
    /** Store name. */
    public static final String STORE = "bo-versions";

    private static final byte[] REMOVED = new byte[0];

    private final ByteStore store;

    /** Event time (ms) of the event being folded. */
    private long timestamp;

    BoHistory(ByteStore store) {
        this.store = store;
    }

    /** Sets the event time of the event about to be folded. */
    void at(long timestampMs) {
        this.timestamp = timestampMs;
    }

    /**
     * {@code bos} with every put and delete also recorded in the history at the current event time.
     */
    ByteStore mirroring(ByteStore bos) {
        return new ByteStore() {
            @Override
            public byte[] get(Bytes key) {
                return bos.get(key);
            }

            @Override
            public void put(Bytes key, byte[] value) {
                bos.put(key, value);
                store.put(versionKey(key.get(), timestamp), value);
            }

            @Override
            public void delete(Bytes key) {
                bos.delete(key);
                store.put(versionKey(key.get(), timestamp), REMOVED);
            }

            @Override
            public CloseableIterator range(Bytes from, Bytes to, boolean descending) {
                return bos.range(from, to, descending);
            }
        };
    }

    /**
     * The encoded record of {@code device}'s BO {@code bo} as it was at {@code asOfMs} in {@code
     * history}, or null if the BO did not exist then.
     */
    public static byte[] asOf(ByteStore history, String device, long bo, long asOfMs) {
        byte[] bosKey =
                StoreLayout.key(StoreLayout.prefix(device, DeviceTables.BOS), CompositeKey.of(bo));
        try (ByteStore.CloseableIterator it =
                history.range(
                        versionKey(bosKey, Long.MIN_VALUE), versionKey(bosKey, asOfMs), true)) {
            if (!it.hasNext()) {
                return null;
            }
            Map.Entry<Bytes, byte[]> latest = it.next();
            return latest.getValue().length == 0 ? null : latest.getValue();
        }
    }

    private static Bytes versionKey(byte[] bosKey, long timestampMs) {
        return Bytes.wrap(
                ByteBuffer.allocate(bosKey.length + Long.BYTES)
                        .put(bosKey)
                        .putLong(timestampMs ^ Long.MIN_VALUE)
                        .array());
    }
}
