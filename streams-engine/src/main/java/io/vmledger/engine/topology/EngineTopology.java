package io.vmledger.engine.topology;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.topic.SnapshotKey;
import io.vmledger.schema.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's Processor-API topology:
 *
 * <pre>
 *   events-source (vmledger.events) → fold [stores: devices, files, vms, vas, bos, pagetables, vm-log,
 *                                            alert-watch, alert-state, bo-versions]
 *       fold → ledger-sink (vmledger.ledger)           one entry per event
 *       fold → deadletter-sink (vmledger.deadletter)   undecodable records
 *       fold → coredump-sink (vmledger.coredumps)      devcoredump snapshots on gpu_fault / gpu_hang
 *       fold → alert-sink (vmledger.alerts)            leak and anomaly alerts
 *       fold → snapshot-sink (vmledger.snapshots)      per-device state snapshots (compacted)
 * </pre>
 *
 * {@code bo-versions} holds every BO record's versions by event time ({@link BoHistory}); snapshots
 * are emitted every {@code snapshotEvery} events of a device ({@link SnapshotEmitter}) and placed
 * in the device's partition ({@link SnapshotKey}).
 *
 * <p>The source reads and the sinks write raw bytes, whatever the catalogue's typed topics say: the
 * fold decodes each input record itself, dead-lettering what does not decode ({@link
 * FoldProcessor}), so that no record can fail the task in a deserializer, and it encodes its
 * outputs ({@code Wire}) and keeps them within the record limit ({@link OutputLimits}) before it
 * forwards them.
 *
 * <p>Every store is a named, changelogged key/value store of raw bytes (RocksDB unless in-memory
 * stores are asked for), with Kafka Streams' record cache on: the fold reads only its heap working
 * set ({@link WorkingSet}), so the cache serves no fold read; it collapses the rewrites of a key
 * within a commit interval before they reach RocksDB and the changelog.
 */
public final class EngineTopology {
    public static final String SOURCE = "events-source";
    public static final String FOLD = "fold";
    public static final String LEDGER_SINK = "ledger-sink";
    public static final String DEADLETTER_SINK = "deadletter-sink";
    public static final String COREDUMP_SINK = "coredump-sink";
    public static final String ALERT_SINK = "alert-sink";
    public static final String SNAPSHOT_SINK = "snapshot-sink";

    private EngineTopology() {}

    /** Places a snapshot part in its device's partition (its key is not the bare device id). */
    private static final StreamPartitioner<byte[], byte[]> SNAPSHOT_PLACEMENT =
            (topic, key, value, partitions) ->
                    Optional.of(
                            Set.of(
                                    Topics.partitionOf(
                                            SnapshotKey.parse(key).device(), partitions)));

    /** Whether stores live in RocksDB (on disk) or in memory (changelogged either way). */
    public enum StoreType {
        ROCKSDB,
        MEMORY
    }

    /** Every store of the fold: the device state's tables and the BO history. */
    private static List<String> stores() {
        List<String> all = new ArrayList<>(StoreLayout.STORES);
        all.add(BoHistory.STORE);
        return all;
    }

    /** Events per snapshot of a device when not configured. */
    public static final long DEFAULT_SNAPSHOT_EVERY = 10_000;

    /**
     * The topology over {@code topics}, folding with {@code config}, with the default snapshot
     * interval and alert thresholds.
     */
    public static Topology build(
            Topics topics, FoldConfig config, StoreType storeType, LedgerCounters counters) {
        return build(
                topics,
                config,
                storeType,
                counters,
                DEFAULT_SNAPSHOT_EVERY,
                AlertThresholds.DEFAULT,
                defaultWorkingSetBytes());
    }

    /** The working-set budget when none is given: a quarter of the maximum heap, for all tasks. */
    public static long defaultWorkingSetBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * The topology over {@code topics}, folding with {@code config}, snapshotting every {@code
     * snapshotEvery} events of a device (0: never), alerting with {@code thresholds}, with a
     * working sets of at most {@code workingSetBytes} of heap in all, shared by the tasks of the
     * instance running it ({@link WorkingSet}, {@link WorkingSetBudget}).
     */
    public static Topology build(
            Topics topics,
            FoldConfig config,
            StoreType storeType,
            LedgerCounters counters,
            long snapshotEvery,
            AlertThresholds thresholds,
            long workingSetBytes) {
        return build(
                topics,
                config,
                storeType,
                counters,
                snapshotEvery,
                thresholds,
                workingSetBytes,
                new EventBoundaries());
    }

    /**
     * As {@link #build(Topics, FoldConfig, StoreType, LedgerCounters, long, AlertThresholds,
     * long)}, the fold marking its event boundaries and served partitions in {@code boundaries}
     * (which the instance's queries check).
     */
    public static Topology build(
            Topics topics,
            FoldConfig config,
            StoreType storeType,
            LedgerCounters counters,
            long snapshotEvery,
            AlertThresholds thresholds,
            long workingSetBytes,
            EventBoundaries boundaries) {
        Topology t = new Topology();
        WorkingSetBudget budget = new WorkingSetBudget(workingSetBytes);
        t.addSource(
                SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                topics.events().name());
        t.addProcessor(
                FOLD,
                () ->
                        new FoldProcessor(
                                config, thresholds, snapshotEvery, budget, counters, boundaries),
                SOURCE);
        for (String name : stores()) {
            KeyValueBytesStoreSupplier supplier =
                    storeType == StoreType.MEMORY
                            ? Stores.inMemoryKeyValueStore(name)
                            : Stores.persistentKeyValueStore(name);
            t.addStateStore(
                    Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray())
                            .withCachingEnabled(),
                    FOLD);
        }
        ByteArraySerializer bytes = new ByteArraySerializer();
        t.addSink(LEDGER_SINK, topics.ledger().name(), bytes, bytes, FOLD);
        t.addSink(DEADLETTER_SINK, topics.deadletter().name(), bytes, bytes, FOLD);
        t.addSink(COREDUMP_SINK, topics.coredumps().name(), bytes, bytes, FOLD);
        t.addSink(ALERT_SINK, topics.alerts().name(), bytes, bytes, FOLD);
        t.addSink(SNAPSHOT_SINK, topics.snapshots().name(), bytes, bytes, SNAPSHOT_PLACEMENT, FOLD);
        return t;
    }
}
