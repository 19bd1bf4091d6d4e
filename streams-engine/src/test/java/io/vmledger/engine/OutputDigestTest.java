package io.vmledger.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.LedgerCounters;
import io.vmledger.schema.topic.Topics;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.sim.SimEvent;
import io.vmledger.schema.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDigestTest {
    @TempDir
    Path dir;

    @Test
    void digest() throws Exception {
        Topics topics = Topics.defaults(1);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "digest");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        StringBuilder out = new StringBuilder();
        try (TopologyTestDriver d = new TopologyTestDriver(EngineTopology.build(topics, FoldConfig.DEFAULT,
                EngineTopology.StoreType.ROCKSDB, new LedgerCounters(new SimpleMeterRegistry()), 500,
                AlertThresholds.DEFAULT, Long.parseLong(System.getenv().getOrDefault("WSB", "1000000000"))), p)) {
            TestInputTopic<byte[], byte[]> in = d.createInputTopic(topics.events(), new ByteArraySerializer(), new ByteArraySerializer());
            FleetSim sim = new FleetSim(new SimConfig(8, 30000, 0, 3, SimConfig.DEFAULT_START, 0.3, 0.02));
            while (sim.hasNext()) {
                SimEvent e = sim.next();
                in.pipeInput(Wire.deviceKey(e.event().getDevice()), Wire.event(e.event()), e.event().getTs() / 1000);
            }
            for (String t : List.of(topics.ledger(), topics.deadletter(), topics.coredumps(), topics.alerts(), topics.snapshots())) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                List<TestRecord<byte[], byte[]>> rs = d.createOutputTopic(t, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
                for (TestRecord<byte[], byte[]> r : rs) {
                    md.update(r.key() == null ? new byte[0] : r.key());
                    md.update(r.value());
                    md.update(ByteBuffer.allocate(8).putLong(r.timestamp()).array());
                }
                out.append(t).append(' ').append(rs.size()).append(' ').append(HexFormat.of().formatHex(md.digest())).append('\n');
            }
        }
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "digest-out-" + System.getenv().getOrDefault("WS", "big") + ".txt"), out);
    }
}
