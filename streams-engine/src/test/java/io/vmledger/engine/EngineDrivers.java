package io.vmledger.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.LedgerCounters;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The engine's topology in a {@link TopologyTestDriver}: no broker, its stores under a test's state
 * directory, over the default topics of one partition ({@link #TOPICS}).
 */
public final class EngineDrivers {
    /** The topics the drivers' topology reads and writes. */
    public static final Topics TOPICS = Topics.defaults(1);

    private EngineDrivers() {}

    /** The topology with its default snapshots, alert thresholds and working set. */
    public static TopologyTestDriver start(
            String applicationId, Path stateDir, EngineTopology.StoreType type) {
        return new TopologyTestDriver(
                EngineTopology.build(
                        TOPICS,
                        FoldConfig.DEFAULT,
                        type,
                        new LedgerCounters(new SimpleMeterRegistry())),
                properties(applicationId, stateDir));
    }

    /**
     * The topology over RocksDB stores, counting in {@code counters}, snapshotting a device every
     * {@code snapshotEvery} events, with a working-set budget of {@code workingSetBytes}.
     */
    public static TopologyTestDriver start(
            String applicationId,
            Path stateDir,
            LedgerCounters counters,
            long snapshotEvery,
            long workingSetBytes) {
        return new TopologyTestDriver(
                EngineTopology.build(
                        TOPICS,
                        FoldConfig.DEFAULT,
                        EngineTopology.StoreType.ROCKSDB,
                        counters,
                        snapshotEvery,
                        AlertThresholds.DEFAULT,
                        workingSetBytes),
                properties(applicationId, stateDir));
    }

    private static Properties properties(String applicationId, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return p;
    }
}
