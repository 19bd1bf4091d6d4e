package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vmledger.engine.topology.BoHistory;
import io.vmledger.engine.topology.LedgerCounters;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.sim.SimEvent;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The working set is invisible: a simulated fleet folded with a budget that holds every device,
 * with one that holds about a quarter of the state (devices evicted, spilled over the stores and
 * loaded back when room frees) and with one so small that every device but the newest folds over
 * the stores, gives the same records on every output topic, and the same bytes in every store.
 */
class WorkingSetTest {
    private static final Topics TOPICS = Topics.defaults(1);

    @TempDir Path dir;

    private record Run(
            List<List<String>> outputs,
            List<List<String>> stores,
            long entries,
            long loads,
            long evictions,
            long spilledEvents) {
        /** The working-set counters, for assertion messages. */
        String counters() {
            return "loads "
                    + loads
                    + ", evictions "
                    + evictions
                    + ", events folded over the stores "
                    + spilledEvents;
        }
    }

    @Test
    void evictingAndSpillingChangeNoOutputAndNoStoredByte() {
        Run all = run("all", 1L << 40);
        assertEquals(12_000, all.outputs().get(0).size(), "ledger entries");
        assertEquals(6, all.loads(), "a budget that holds every device loads each once");
        assertEquals(0, all.spilledEvents());

        Run part = run("part", all.entries() * 60);
        assertEquals(all.outputs(), part.outputs());
        assertEquals(all.stores(), part.stores());
        assertTrue(part.evictions() > 0, "devices were evicted: " + part.counters());
        assertTrue(part.spilledEvents() > 0, "events folded over the stores: " + part.counters());
        assertTrue(
                part.loads() > 6, "spilled devices came back when room freed: " + part.counters());

        Run tiny = run("tiny", 1);
        assertEquals(all.outputs(), tiny.outputs());
        assertEquals(all.stores(), tiny.stores());
        assertEquals(
                6, tiny.loads(), "a spilled device never fits a full budget: " + tiny.counters());
        assertTrue(
                tiny.spilledEvents() > 9_000,
                "most events folded over the stores: " + tiny.counters());
    }

    private Run run(String name, long budget) {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (TopologyTestDriver d =
                EngineDrivers.start(
                        "working-set-" + name,
                        dir.resolve(name),
                        new LedgerCounters(metrics),
                        500,
                        budget)) {
            TestInputTopic<String, VmEvent> in = DriverTopics.input(d, TOPICS.events());
            FleetSim sim =
                    new FleetSim(
                            new SimConfig(6, 12_000, 0, 21, SimConfig.DEFAULT_START, 0.3, 0.02));
            while (sim.hasNext()) {
                SimEvent e = sim.next();
                in.pipeInput(e.event().getDevice(), e.event(), e.event().getTs() / 1000);
            }
            List<List<String>> outputs = new ArrayList<>();
            // the outputs as bytes: the runs must write the very same records
            for (String t :
                    List.of(
                            TOPICS.ledger().name(),
                            TOPICS.deadletter().name(),
                            TOPICS.coredumps().name(),
                            TOPICS.alerts().name(),
                            TOPICS.snapshots().name())) {
                List<String> records = new ArrayList<>();
                for (TestRecord<byte[], byte[]> r :
                        d.createOutputTopic(
                                        t, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                                .readRecordsToList()) {
                    records.add(hex(r.key()) + " " + hex(r.value()) + " " + r.timestamp());
                }
                outputs.add(records);
            }
            List<String> names = new ArrayList<>(StoreLayout.STORES);
            names.add(BoHistory.STORE);
            List<List<String>> stores = new ArrayList<>();
            for (String s : names) {
                List<String> entries = new ArrayList<>();
                try (KeyValueIterator<Bytes, byte[]> it =
                        d.<Bytes, byte[]>getKeyValueStore(s).all()) {
                    while (it.hasNext()) {
                        KeyValue<Bytes, byte[]> kv = it.next();
                        entries.add(hex(kv.key.get()) + "=" + hex(kv.value));
                    }
                }
                stores.add(entries);
            }
            return new Run(
                    outputs,
                    stores,
                    gauge(metrics, "entries"),
                    gauge(metrics, "loads"),
                    gauge(metrics, "evictions"),
                    gauge(metrics, "spilled.events"));
        }
    }

    private static long gauge(SimpleMeterRegistry metrics, String name) {
        return (long) metrics.get("vmledger.working.set." + name).gauge().value();
    }

    private static String hex(byte[] b) {
        return b == null ? "-" : java.util.HexFormat.of().formatHex(b);
    }
}
