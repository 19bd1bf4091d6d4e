package io.vmledger.engine.topology;

import io.vmledger.core.fold.Outcome;
import io.vmledger.core.ledger.Applied;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.SnapshotEntry;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.topic.SnapshotKey;
import io.vmledger.schema.wire.Wire;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Emits a device's full state to the snapshots topic every N events of that device, so that an
 * as-of audit replays at most N events after the newest snapshot before its time instead of the
 * device's whole history.
 *
 * <p>When: after an event that advanced the device's seq across a multiple of N ({@link
 * Applied#snapshotDue}). With the usual consecutive seqs that is every N applied events; it depends
 * only on the seqs, so a re-processing after a failure or restart snapshots at the same events
 * again.
 *
 * <p>What: every entry of the engine's stores under the device's key prefix ({@link
 * StoreLayout#devicePrefix}), key and value byte for byte as the state codecs wrote them, with the
 * event's seq, time and source position (topic, partition, offset), so that loading the entries
 * into stores of the same layout and folding the partition from offset + 1 continues exactly where
 * the engine was. The record timestamp is the event's (event time in ms). A state larger than
 * {@link #MAX_PART_BYTES} is split into parts (keys in {@link SnapshotKey}). Emitting costs
 * O(device state), once per N events.
 */
final class SnapshotEmitter {
    /**
     * Entry bytes per snapshot part: well below the producer's and broker's default 1 MiB record
     * limit.
     */
    static final int MAX_PART_BYTES = 512 * 1024;

    /**
     * Per-entry overhead counted against {@link #MAX_PART_BYTES}: store name and Avro length
     * prefixes.
     */
    private static final int ENTRY_OVERHEAD = 32;

    /** Events per snapshot; 0 disables snapshots. */
    private final long every;

    private final Function<String, ByteStore> stores;
    private final ProcessorContext<byte[], byte[]> context;
    private final String sink;

    SnapshotEmitter(
            long every,
            Function<String, ByteStore> stores,
            ProcessorContext<byte[], byte[]> context,
            String sink) {
        if (every < 0) {
            throw new IllegalArgumentException("snapshot interval must be >= 0, got " + every);
        }
        this.every = every;
        this.stores = stores;
        this.context = context;
        this.sink = sink;
    }

    /**
     * After {@code record} was applied: emits the device's snapshot if one is due ({@link
     * Applied#snapshotDue}).
     */
    void afterEvent(Record<byte[], byte[]> record, Applied applied) {
        if (!applied.snapshotDue(every)) {
            return;
        }
        Outcome outcome = applied.outcome();
        RecordMetadata md = context.recordMetadata().orElseThrow();
        List<List<SnapshotEntry>> parts = parts(outcome.device());
        for (int i = 0; i < parts.size(); i++) {
            Snapshot s =
                    Snapshot.newBuilder()
                            .setDevice(outcome.device())
                            .setSeq(outcome.seq())
                            .setTs(outcome.ts())
                            .setSourceTopic(md.topic())
                            .setSourcePartition(md.partition())
                            .setSourceOffset(md.offset())
                            .setPart(i)
                            .setParts(parts.size())
                            .setEntries(parts.get(i))
                            .build();
            context.forward(
                    record.withKey(new SnapshotKey(outcome.device(), outcome.seq(), i).bytes())
                            .withValue(Wire.snapshot(s)),
                    sink);
        }
    }

    private List<List<SnapshotEntry>> parts(String device) {
        Bytes from = Bytes.wrap(StoreLayout.devicePrefix(device));
        Bytes to = Bytes.wrap(StoreLayout.deviceLastKey(device));
        List<List<SnapshotEntry>> parts = new ArrayList<>();
        List<SnapshotEntry> part = new ArrayList<>();
        long bytes = 0;
        for (String store : StoreLayout.STORES) {
            try (ByteStore.CloseableIterator it = stores.apply(store).range(from, to, false)) {
                while (it.hasNext()) {
                    Map.Entry<Bytes, byte[]> e = it.next();
                    long size = e.getKey().get().length + e.getValue().length + ENTRY_OVERHEAD;
                    if (bytes + size > MAX_PART_BYTES && !part.isEmpty()) {
                        parts.add(part);
                        part = new ArrayList<>();
                        bytes = 0;
                    }
                    part.add(
                            new SnapshotEntry(
                                    store,
                                    ByteBuffer.wrap(e.getKey().get()),
                                    ByteBuffer.wrap(e.getValue())));
                    bytes += size;
                }
            }
        }
        parts.add(part);
        return parts;
    }
}
