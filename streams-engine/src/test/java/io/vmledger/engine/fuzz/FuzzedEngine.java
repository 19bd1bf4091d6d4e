package io.vmledger.engine.fuzz;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.engine.EngineDrivers;
import io.vmledger.engine.store.KeyValueByteStore;
import io.vmledger.engine.topology.LedgerCounters;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The engine's topology under Kafka's TopologyTestDriver (RocksDB stores), fed raw records one at a
 * time, each followed by what it wrote to the ledger and dead-letter topics. The working set is
 * kept tiny and snapshots frequent, so that the fuzz also runs devices' eviction and reload and the
 * snapshot path; coredumps, alerts and snapshots are drained and not checked here.
 */
final class FuzzedEngine implements AutoCloseable {
    static final Topics TOPICS = Topics.defaults(1);

    /**
     * The working-set budget: room for about 500 table entries, so that devices are evicted and
     * reloaded from the stores as the epochs of {@link ValidEvents} pass.
     */
    private static final long WORKING_SET_BYTES = 128 << 10;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LedgerCounters counters = new LedgerCounters(registry);
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> events;
    private final TestOutputTopic<byte[], byte[]> ledger;
    private final TestOutputTopic<byte[], byte[]> deadletter;
    private final List<TestOutputTopic<byte[], byte[]>> drained;

    /** What one input record wrote to the ledger and the dead-letter topic. */
    record Outputs(
            List<TestRecord<byte[], byte[]>> ledger,
            List<TestRecord<byte[], byte[]>> deadLetters) {}

    FuzzedEngine(Path stateDir) {
        driver = EngineDrivers.start("input-fuzz", stateDir, counters, 500, WORKING_SET_BYTES);
        ByteArraySerializer ser = new ByteArraySerializer();
        events = driver.createInputTopic(TOPICS.events().name(), ser, ser);
        ledger = output(TOPICS.ledger().name());
        deadletter = output(TOPICS.deadletter().name());
        drained =
                List.of(
                        output(TOPICS.coredumps().name()),
                        output(TOPICS.alerts().name()),
                        output(TOPICS.snapshots().name()));
    }

    private TestOutputTopic<byte[], byte[]> output(String topic) {
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        return driver.createOutputTopic(topic, de, de);
    }

    /** Pipes {@code r} into the events topic; what it wrote to the ledger and dead letters. */
    Outputs pipe(FuzzRecord r) {
        events.pipeInput(r.key(), r.value(), r.timestampMs());
        for (TestOutputTopic<byte[], byte[]> t : drained) {
            t.readRecordsToList();
        }
        return new Outputs(ledger.readRecordsToList(), deadletter.readRecordsToList());
    }

    /** Input records the engine's own counters say it accounted for (ledger or dead letter). */
    long accounted() {
        return counters.folded();
    }

    /** Devices the working set has evicted so far (they fold over the stores until room frees). */
    long evictions() {
        return (long) registry.get("vmledger.working.set.evictions").gauge().value();
    }

    /** The engine's state of {@code device}, read from its stores. */
    DeviceQueries queries(String device) {
        Map<String, ByteStore> stores = new HashMap<>();
        for (String name : StoreLayout.STORES) {
            KeyValueStore<Bytes, byte[]> s = driver.getKeyValueStore(name);
            stores.put(name, new KeyValueByteStore(s));
        }
        return new DeviceQueries(
                new DeviceTables(new StoreTableSource(device, stores::get)), FoldConfig.DEFAULT);
    }

    @Override
    public void close() {
        driver.close();
    }
}
