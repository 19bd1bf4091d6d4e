package io.vmledger.tools.audit;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.DeviceLedger;
import io.vmledger.core.ledger.DeviceState;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.SnapshotEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.store.SortedByteStore;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.topic.Topics;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;

/**
 * A device's full state as of an event time T, rebuilt from Kafka: the newest snapshot of the
 * device at or before T ({@link SnapshotFinder}) loaded into in-memory stores of the engine's
 * layout, then the device's events after the snapshot's source offset (or from the start of the
 * partition without a snapshot) folded with the domain core, up to the end of the trace cut at T.
 *
 * <p>The trace cut at T is the prefix of the device's events, in their order on the events topic,
 * that ends before the first event whose {@code ts} is after T (an event without {@code ts} has its
 * predecessor's time, so it never ends the cut). The state is exactly what {@code vmledger replay
 * --state} prints for that prefix. Records the engine dead-letters are passed over, as replay
 * passes over bad lines.
 */
public final class AsOfState {
    /**
     * The rebuilt state.
     *
     * @param state queries over the state (VMs, BOs, ...)
     * @param snapshotSeq seq of the snapshot started from, or null if none was used
     * @param replayed events folded after the snapshot
     * @param skipped records of the device that are not a decodable event of it
     */
    public record Result(DeviceQueries state, Long snapshotSeq, long replayed, long skipped) {}

    private AsOfState() {}

    /**
     * {@code device}'s state as of {@code asOf} (µs since the epoch), from the topics of {@code
     * topics}.
     */
    public static Result at(
            String bootstrap, Topics topics, FoldConfig config, String device, long asOf) {
        return at(bootstrap, topics, config, device, asOf, -1L);
    }

    /**
     * {@code device}'s state as of {@code asOf} (µs since the epoch) and ledger entry {@code
     * maxSeq}: the trace cut at {@code asOf} further cut after the last event whose seq is at most
     * {@code maxSeq} (unsigned; -1 for no bound), so that a caller can step one ledger entry at a
     * time even where several events share a time.
     */
    public static Result at(
            String bootstrap,
            Topics topics,
            FoldConfig config,
            String device,
            long asOf,
            long maxSeq) {
        Map<String, SortedByteStore> stores = new HashMap<>();
        for (String s : StoreLayout.STORES) {
            stores.put(s, new SortedByteStore());
        }
        Optional<List<Snapshot>> snapshot =
                SnapshotFinder.latest(bootstrap, topics.snapshots(), device, asOf, maxSeq);
        snapshot.ifPresent(parts -> load(parts, stores));
        DeviceState state = DeviceState.over(new StoreTableSource(device, stores::get));
        DeviceLedger ledger = new DeviceLedger(config, AlertThresholds.DEFAULT);
        long replayed = 0;
        long skipped;
        try (DeviceEvents events = DeviceEvents.of(bootstrap, topics, device)) {
            if (snapshot.isPresent()) {
                events.seek(snapshot.get().get(0).getSourceOffset() + 1);
            }
            for (DeviceEvents.Published e = events.next(); e != null; e = events.next()) {
                VmEvent v = e.event();
                if (v.getTs() != null && v.getTs() > asOf
                        || Long.compareUnsigned(v.getSeq(), maxSeq) > 0) {
                    break;
                }
                ledger.apply(device, v.getSeq(), v.getTs(), e.domain(), state);
                replayed++;
            }
            skipped = events.skipped();
        }
        return new Result(
                ledger.queries(state),
                snapshot.map(p -> p.get(0).getSeq()).orElse(null),
                replayed,
                skipped);
    }

    private static void load(List<Snapshot> parts, Map<String, SortedByteStore> stores) {
        for (Snapshot part : parts) {
            for (SnapshotEntry e : part.getEntries()) {
                SortedByteStore store = stores.get(e.getStore());
                if (store == null) {
                    throw new IllegalStateException(
                            "snapshot of "
                                    + part.getDevice()
                                    + " at seq "
                                    + part.getSeq()
                                    + " names an unknown store '"
                                    + e.getStore()
                                    + "'");
                }
                store.put(Bytes.wrap(bytes(e.getKey())), bytes(e.getValue()));
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
