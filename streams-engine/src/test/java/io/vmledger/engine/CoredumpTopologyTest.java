package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpMatch;
import io.vmledger.schema.CoredumpReason;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.CoredumpEncoder;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology writes one coredump record per gpu_fault / gpu_hang that the fold accepted (none for
 * a refused one), keyed by device with the event's timestamp, equal to what the same trace yields
 * without Kafka: the snapshot read back from RocksDB stores equals the in-memory one, VM-log
 * history with its seq and time included.
 */
class CoredumpTopologyTest {
    private static final Topics TOPICS = Topics.defaults(1);
    private static final List<String> TRACE =
            List.of(
                    "{\"device\":\"a\",\"seq\":1,\"ts\":1000000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}",
                    "{\"device\":\"a\",\"seq\":2,\"type\":\"submitqueue_new\",\"file\":1,\"queue\":2,\"vm_bind\":true}",
                    "{\"device\":\"a\",\"seq\":3,\"type\":\"bo_new\",\"file\":1,\"bo\":5,\"size\":\"0x4000\",\"name\":\"ubo\"}",
                    "{\"device\":\"a\",\"seq\":4,\"ts\":2000000,\"type\":\"vm_bind\",\"file\":1,\"queue\":2,\"ops\":[{\"op\":\"map\","
                            + "\"bo\":5,\"iova\":\"0x100000000\",\"range\":\"0x4000\"}]}",
                    "{\"device\":\"b\",\"seq\":1,\"type\":\"file_open\",\"file\":4}",
                    "{\"device\":\"a\",\"seq\":5,\"ts\":3000000,\"type\":\"vm_bind\",\"file\":1,\"queue\":2,\"ops\":[{\"op\":\"unmap\","
                            + "\"iova\":\"0x100002000\",\"range\":\"0x2000\"}]}",
                    "{\"device\":\"a\",\"seq\":6,\"ts\":4000000,\"type\":\"gpu_fault\",\"file\":1,\"iova\":\"0x100003000\","
                            + "\"dir\":\"read\",\"fault_type\":\"TRANSLATION\"}",
                    "{\"device\":\"b\",\"seq\":2,\"ts\":5000000,\"type\":\"gpu_hang\",\"file\":4}",
                    "{\"device\":\"b\",\"seq\":3,\"ts\":6000000,\"type\":\"gpu_fault\",\"file\":9,\"iova\":\"0x1000\","
                            + "\"dir\":\"write\",\"fault_type\":\"UNKNOWN\"}");

    @TempDir Path stateDir;

    @Test
    void aFaultOrHangYieldsOneCoredumpEqualToTheInMemoryCapture() {
        ReplayReference ref = new ReplayReference(TRACE);
        List<Coredump> expected = inMemory(ref.events());
        assertEquals(
                2,
                expected.size(),
                "the fault on device a and the hang on device b; the fault of an unknown file is refused");

        try (TopologyTestDriver driver =
                EngineDrivers.start("coredump-test", stateDir, EngineTopology.StoreType.ROCKSDB)) {
            TestInputTopic<String, VmEvent> events = DriverTopics.input(driver, TOPICS.events());
            TestOutputTopic<String, Coredump> coredumps =
                    DriverTopics.output(driver, TOPICS.coredumps());
            for (VmEvent e : ref.events()) {
                events.pipeInput(e.getDevice(), e, e.getTs() == null ? 0 : e.getTs() / 1000);
            }
            List<TestRecord<String, Coredump>> out = coredumps.readRecordsToList();
            assertEquals(expected.size(), out.size());
            for (int i = 0; i < out.size(); i++) {
                Coredump c = out.get(i).value();
                assertEquals(expected.get(i), c);
                assertEquals(c.getDevice(), out.get(i).key());
                assertEquals(c.getTs() / 1000, out.get(i).timestamp());
            }
        }
        Coredump fault = expected.get(0);
        assertEquals(CoredumpReason.fault, fault.getReason());
        assertEquals(CoredumpMatch.near, fault.getAttribution().getMatch());
        assertEquals(5L, fault.getAttribution().getHistory().get(0).getSeq());
        assertEquals(3000000L, fault.getAttribution().getHistory().get(0).getTs());
        assertEquals(CoredumpReason.hang, expected.get(1).getReason());
        assertEquals("managed", expected.get(1).getVmMode());
    }

    private static List<Coredump> inMemory(List<VmEvent> events) {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        List<Coredump> out = new ArrayList<>();
        for (VmEvent e : events) {
            Applied a = ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e));
            if (a.crash() != null) {
                out.add(CoredumpEncoder.encode(a.crash()));
            }
        }
        return out;
    }
}
