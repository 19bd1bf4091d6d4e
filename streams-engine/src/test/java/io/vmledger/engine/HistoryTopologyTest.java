package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.engine.store.KeyValueByteStore;
import io.vmledger.engine.topology.BoHistory;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.LedgerCounters;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.SnapshotEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.StateJson;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.SortedByteStore;
import io.vmledger.schema.store.StateCodecs;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.topic.SnapshotKey;
import io.vmledger.schema.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history side of the topology under TopologyTestDriver, on two interleaved seeded random
 * devices: a snapshot after every 10th seq of a device whose entries, loaded into stores of the
 * engine's layout, give exactly {@code replay --state} of the trace up to that event (a state too
 * large for one record comes in parts under 1 MiB that together hold it); and a BO history whose
 * version at any millisecond equals the BO in the replay of the device's events up to that
 * millisecond.
 */
class HistoryTopologyTest {
    private static final Topics TOPICS = Topics.defaults(1);
    private static final long EVERY = 10;
    private static final long SEED = 20260101L;
    private static final List<String> DEVICES = List.of("gpu-a", "gpu-b");

    @TempDir Path stateDir;

    private TopologyTestDriver driver;
    private final Map<String, List<RandomDeviceTrace.Line>> traces = new HashMap<>();

    @BeforeEach
    void start() {
        driver =
                EngineDrivers.start(
                        "history-test",
                        stateDir,
                        new LedgerCounters(new SimpleMeterRegistry()),
                        EVERY,
                        EngineTopology.defaultWorkingSetBytes());
        TestInputTopic<String, VmEvent> events = DriverTopics.input(driver, TOPICS.events());
        List<RandomDeviceTrace.Line> merged = new ArrayList<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            List<RandomDeviceTrace.Line> t =
                    RandomDeviceTrace.of(DEVICES.get(i), SEED + i, 80, 1_767_225_600_000_000L);
            traces.put(DEVICES.get(i), t);
            merged.addAll(t);
        }
        merged.sort(Comparator.comparingLong(RandomDeviceTrace.Line::ts));
        for (RandomDeviceTrace.Line l : merged) {
            VmEvent e = new ReplayReference(List.of(l.json())).events().get(0);
            events.pipeInput(new TestRecord<>(e.getDevice(), e, null, l.ts() / 1000));
        }
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void everySnapshotHoldsExactlyTheReplayedStateUpToItsEvent() {
        TestOutputTopic<SnapshotKey, Snapshot> out =
                DriverTopics.output(driver, TOPICS.snapshots());
        Map<String, List<Long>> seqs = new HashMap<>();
        int checked = 0;
        for (TestRecord<SnapshotKey, Snapshot> r : out.readRecordsToList()) {
            Snapshot s = r.value();
            assertEquals(0, s.getPart());
            assertEquals(1, s.getParts());
            assertEquals(new SnapshotKey(s.getDevice(), s.getSeq(), 0), r.key());
            assertEquals(TOPICS.events().name(), s.getSourceTopic());
            assertEquals(s.getTs() / 1000, r.timestamp());
            seqs.computeIfAbsent(s.getDevice(), d -> new ArrayList<>()).add(s.getSeq());

            List<RandomDeviceTrace.Line> trace = traces.get(s.getDevice());
            int upTo = 0;
            while (trace.get(upTo).seq() != s.getSeq() || isDuplicate(trace, upTo)) {
                upTo++;
            }
            ReplayReference ref = new ReplayReference(jsons(trace.subList(0, upTo + 1)));
            assertEquals(
                    ReplayReference.stateLines(
                            s.getDevice(), ref.ledger().devices().get(s.getDevice())),
                    ReplayReference.stateLines(s.getDevice(), load(s)),
                    "snapshot of " + s.getDevice() + " at " + s.getSeq());
            checked++;
        }
        for (String d : DEVICES) {
            assertEquals(expectedSnapshotSeqs(traces.get(d)), seqs.get(d), d);
        }
        assertTrue(checked >= 14, "snapshots checked: " + checked);
    }

    @Test
    void theBoHistoryAtAnyMillisecondIsTheReplayedBoUpToThen() {
        ByteStore history = new KeyValueByteStore(driver.getKeyValueStore(BoHistory.STORE));
        Random r = new Random(SEED);
        int compared = 0;
        for (String d : DEVICES) {
            List<RandomDeviceTrace.Line> trace = traces.get(d);
            long first = trace.get(0).ts() / 1000;
            long last = trace.get(trace.size() - 1).ts() / 1000;
            for (int i = 0; i < 12; i++) {
                long atMs =
                        i == 0
                                ? first - 1
                                : i == 1
                                        ? last + 5
                                        : first + (long) r.nextInt((int) (last - first + 1));
                int n = 0;
                while (n < trace.size() && trace.get(n).ts() / 1000 <= atMs) {
                    n++;
                }
                List<String> expected = new ArrayList<>();
                List<String> actual = new ArrayList<>();
                if (n > 0) {
                    ReplayReference ref = new ReplayReference(jsons(trace.subList(0, n)));
                    for (BoRecord b : ref.ledger().devices().get(d).bos()) {
                        expected.add(StateJson.bo(d, b));
                    }
                }
                for (long bo = 1; bo <= 64; bo++) {
                    byte[] v = BoHistory.asOf(history, d, bo, atMs);
                    if (v != null) {
                        BoRecord b = StateCodecs.<BoRecord>of(DeviceTables.BOS).decode(v);
                        actual.add(StateJson.bo(d, b));
                    }
                }
                assertEquals(expected, actual, d + " at " + atMs + " ms");
                compared += expected.size();
            }
        }
        assertTrue(compared > 20, "BO versions compared: " + compared);
    }

    @Test
    void aLargeStateIsSplitIntoPartsThatTogetherHoldIt() {
        driver.close();
        int n = 2500;
        driver =
                EngineDrivers.start(
                        "history-test-large",
                        stateDir.resolve("large"),
                        new LedgerCounters(new SimpleMeterRegistry()),
                        n,
                        EngineTopology.defaultWorkingSetBytes());
        List<String> trace = new ArrayList<>();
        trace.add(
                "{\"device\":\"big\",\"seq\":1,\"ts\":1000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}");
        trace.add(
                "{\"device\":\"big\",\"seq\":2,\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true}");
        trace.add(
                "{\"device\":\"big\",\"seq\":3,\"type\":\"bo_new\",\"file\":1,\"bo\":1,\"size\":65536}");
        for (int seq = 4; seq <= n; seq++) {
            trace.add(
                    "{\"device\":\"big\",\"seq\":"
                            + seq
                            + ",\"type\":\"vm_bind\",\"file\":1,\"queue\":1,"
                            + "\"ops\":[{\"op\":\"map\",\"bo\":1,\"iova\":"
                            + (0x100000000L + seq * 0x10000L)
                            + ",\"range\":4096}]}");
        }
        ReplayReference ref = new ReplayReference(trace);
        TestInputTopic<String, VmEvent> events = DriverTopics.input(driver, TOPICS.events());
        for (VmEvent e : ref.events()) {
            events.pipeInput(e.getDevice(), e);
        }
        List<TestRecord<SnapshotKey, Snapshot>> parts =
                DriverTopics.output(driver, TOPICS.snapshots()).readRecordsToList();
        assertTrue(parts.size() >= 2, "parts: " + parts.size());
        List<SnapshotEntry> entries = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Snapshot s = parts.get(i).value();
            assertEquals(i, s.getPart());
            assertEquals(parts.size(), s.getParts());
            assertEquals(n, s.getSeq());
            assertEquals(new SnapshotKey("big", n, i), parts.get(i).key());
            int size = TOPICS.snapshots().serializeValue(s).length;
            assertTrue(size < 1024 * 1024, "part " + i + ": " + size + " bytes");
            entries.addAll(s.getEntries());
        }
        Snapshot whole = parts.get(0).value();
        whole.setEntries(entries);
        assertEquals(ref.stateLines(), ReplayReference.stateLines("big", load(whole)));
    }

    /**
     * Seqs of the events after which a snapshot is due: the device's seq crosses a multiple of
     * EVERY.
     */
    private static List<Long> expectedSnapshotSeqs(List<RandomDeviceTrace.Line> trace) {
        List<Long> out = new ArrayList<>();
        long last = 0;
        for (RandomDeviceTrace.Line l : trace) {
            if (l.seq() > last) {
                if (l.seq() / EVERY > last / EVERY) {
                    out.add(l.seq());
                }
                last = l.seq();
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }

    private static boolean isDuplicate(List<RandomDeviceTrace.Line> trace, int i) {
        for (int j = 0; j < i; j++) {
            if (trace.get(j).seq() >= trace.get(i).seq()) {
                return true;
            }
        }
        return false;
    }

    private static List<String> jsons(List<RandomDeviceTrace.Line> lines) {
        return lines.stream().map(RandomDeviceTrace.Line::json).toList();
    }

    private static DeviceQueries load(Snapshot s) {
        Map<String, SortedByteStore> stores = new HashMap<>();
        for (String name : StoreLayout.STORES) {
            stores.put(name, new SortedByteStore());
        }
        for (SnapshotEntry e : s.getEntries()) {
            stores.get(e.getStore()).put(Bytes.wrap(bytes(e.getKey())), bytes(e.getValue()));
        }
        return new DeviceQueries(
                new DeviceTables(new StoreTableSource(s.getDevice(), stores::get)),
                FoldConfig.DEFAULT);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
