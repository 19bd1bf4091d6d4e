package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.SchemaEvolution;
import io.vmledger.schema.wire.Wire;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine across the VmEvent schema change that added device_info and submits: records a
 * previous vmledger wrote (encoded with the previous schema) fold exactly as replay folds the same
 * trace, coredump included; a record of an event type from a future vmledger is dead-lettered with
 * a reason that says so, and processing goes on.
 */
class SchemaEvolutionTopologyTest {
    private static final Topics TOPICS = Topics.defaults(1);

    private static final List<String> TRACE =
            List.of(
                    "{\"device\":\"old\",\"seq\":1,\"ts\":1000,\"type\":\"file_open\",\"file\":1}",
                    "{\"device\":\"old\",\"seq\":2,\"type\":\"bo_new\",\"file\":1,\"bo\":4,"
                            + "\"size\":8192,\"name\":\"tex\"}",
                    "{\"device\":\"old\",\"seq\":3,\"type\":\"get_iova\",\"file\":1,\"bo\":4}",
                    "{\"device\":\"old\",\"seq\":4,\"type\":\"gpu_fault\",\"file\":1,"
                            + "\"iova\":\"0x100002010\",\"dir\":\"read\",\"fault_type\":\"T\"}",
                    "{\"device\":\"old\",\"seq\":5,\"type\":\"gpu_hang\",\"file\":1}");

    @TempDir Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, LedgerEntry> ledger;
    private TestOutputTopic<String, DeadLetter> deadletter;
    private TestOutputTopic<String, Coredump> coredumps;

    @BeforeEach
    void start() {
        driver =
                EngineDrivers.start(
                        "schema-evolution-test", stateDir, EngineTopology.StoreType.MEMORY);
        raw =
                driver.createInputTopic(
                        TOPICS.events().name(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        ledger = DriverTopics.output(driver, TOPICS.ledger());
        deadletter = DriverTopics.output(driver, TOPICS.deadletter());
        coredumps = DriverTopics.output(driver, TOPICS.coredumps());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void eventsThePreviousSchemaWroteFoldAsReplayFoldsThem() {
        ReplayReference ref = new ReplayReference(TRACE);
        for (var e : ref.events()) {
            raw.pipeInput(Wire.deviceKey("old"), SchemaEvolution.encodedWithPrevious(e));
        }
        assertTrue(deadletter.isEmpty(), "nothing dead-lettered");
        List<LedgerEntry> out = ledger.readValuesToList();
        assertEquals(ref.outcomes(), out.stream().map(LedgerJson::format).toList());
        List<Coredump> dumps = coredumps.readValuesToList();
        assertEquals(2, dumps.size(), "the fault and the hang");
        assertEquals("vm", dumps.get(0).getBosSource());
        assertEquals(1, dumps.get(0).getAttribution().getMarks().size());
    }

    @Test
    void anEventTypeFromAFutureVersionIsDeadLetteredWithAClearReason() {
        ReplayReference ref = new ReplayReference(TRACE.subList(0, 1));
        raw.pipeInput(Wire.deviceKey("old"), SchemaEvolution.futureEvent("old", 1));
        raw.pipeInput(Wire.deviceKey("old"), Wire.event(ref.events().get(0)));
        List<DeadLetter> dead = deadletter.readValuesToList();
        assertEquals(1, dead.size());
        String reason = dead.get(0).getReason();
        assertTrue(reason.contains("unknown VmEvent writer schema"), reason);
        assertTrue(reason.contains("newer vmledger"), reason);
        assertEquals(
                ref.outcomes(),
                ledger.readValuesToList().stream().map(LedgerJson::format).toList());
    }
}
