package io.vmledger.engine.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.alert.AlertRule;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.engine.DriverTopics;
import io.vmledger.engine.EngineDrivers;
import io.vmledger.schema.Alert;
import io.vmledger.schema.Severity;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceFormatException;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The alert stage in the topology under TopologyTestDriver: event-driven alerts go out with the
 * event, lifetime alerts on the stream-time punctuator against each device's own clock, once, keyed
 * by device, with the watch store holding only the subjects whose condition holds.
 */
class AlertStageTest {
    private static final Topics TOPICS = Topics.defaults(1);
    private static final long T0 = 1_767_225_600_000_000L;
    private static final long S = AlertThresholds.SECOND_US;

    @TempDir Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, VmEvent> events;
    private TestOutputTopic<String, Alert> alerts;
    private final long[] seqs = new long[2];

    private void open(EngineTopology.StoreType type) {
        driver = EngineDrivers.start("alert-test", stateDir, type);
        events = DriverTopics.input(driver, TOPICS.events());
        alerts = DriverTopics.output(driver, TOPICS.alerts());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    /**
     * Pipes one trace line of device {@code d} (0 or 1) at {@code seconds} after T0, as the
     * producer would.
     */
    private void send(int d, double seconds, String fields) throws TraceFormatException {
        long ts = T0 + (long) (seconds * S);
        String device = "dev-" + d;
        VmEvent e =
                TraceJson.parse(
                        "{\"device\":\""
                                + device
                                + "\",\"seq\":"
                                + ++seqs[d]
                                + ",\"ts\":"
                                + ts
                                + ","
                                + fields
                                + "}");
        events.pipeInput(device, e, ts / 1000);
    }

    private List<Alert> read() {
        List<Alert> out = new ArrayList<>();
        for (var r : alerts.readRecordsToList()) {
            Alert a = r.value();
            assertEquals(a.getDevice(), r.key(), "keyed by device");
            assertEquals(a.getRaised() / 1000, r.timestamp(), "timestamped with the raise time");
            out.add(a);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(EngineTopology.StoreType.class)
    void lifetimeAlertsFollowEachDevicesOwnClockAndAreRaisedOnce(EngineTopology.StoreType type)
            throws Exception {
        open(type);
        for (int d = 0; d < 2; d++) {
            send(d, 0, "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true");
            send(d, 0, "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true");
            send(d, 0, "\"type\":\"bo_new\",\"file\":1,\"bo\":7,\"size\":4096");
        }
        send(
                0,
                0,
                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":4096}]");
        send(0, 0, "\"type\":\"vmap\",\"bo\":7");
        // dev-0's clock runs 20 s ahead of dev-1's: at every moment dev-1 has seen 20 s less.
        for (int t = 1; t <= 60; t++) {
            send(0, t + 20, "\"type\":\"set_name\",\"bo\":7,\"name\":\"tick\"");
            send(
                    1,
                    t,
                    "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":"
                            + (t + 1)
                            + ",\"vm_bind\":true");
            if (t == 25) {
                List<Alert> early = read();
                assertEquals(1, early.size(), early::toString);
                assertEquals(
                        "vmap_leak", early.get(0).getRule(), "dev-0 is past 30 s of its own time");
                assertEquals("dev-0", early.get(0).getDevice());
            }
        }
        List<Alert> late = read();
        assertEquals(1, late.size(), late::toString);
        Alert a = late.get(0);
        assertEquals(AlertRule.HANDLE_LEAK.label(), a.getRule());
        assertEquals("dev-1", a.getDevice());
        assertEquals(Severity.warning, a.getSeverity());
        assertEquals(7L, a.getBo());
        assertEquals(T0, a.getFirstSeen());
        assertEquals(3L, a.getSeq());
        assertTrue(a.getRaised() - T0 >= 30 * S && a.getRaised() - T0 < 36 * S, a::toString);

        KeyValueStore<Bytes, byte[]> watch = driver.getKeyValueStore("alert-watch");
        try (KeyValueIterator<Bytes, byte[]> it = watch.all()) {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            assertEquals(2, n, "one holding condition per device");
        }
        send(1, 61, "\"type\":\"handle_close\",\"file\":1,\"bo\":7");
        send(0, 81, "\"type\":\"vunmap\",\"bo\":7");
        send(0, 200, "\"type\":\"file_close\",\"file\":1");
        send(1, 200, "\"type\":\"file_close\",\"file\":1");
        List<Alert> end = read();
        assertEquals(1, end.size(), end::toString);
        assertEquals("mappings_at_close", end.get(0).getRule());
        assertEquals(Severity.info, end.get(0).getSeverity());
        assertEquals("dev-0", end.get(0).getDevice());
        assertEquals(1L, end.get(0).getVm());
        try (KeyValueIterator<Bytes, byte[]> it = watch.all()) {
            assertTrue(!it.hasNext(), "cleared conditions leave the watch store");
        }
    }
}
