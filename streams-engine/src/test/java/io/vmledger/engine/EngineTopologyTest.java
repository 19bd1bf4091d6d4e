package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.VectorTraces;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.engine.store.KeyValueByteStore;
import io.vmledger.engine.topology.DeadLetters;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The topology under Kafka's TopologyTestDriver, with real RocksDB (or in-memory) stores: one
 * ledger entry per event equal to the in-memory replay, state equal to {@code replay --state},
 * duplicates reported, undecodable records dead-lettered with their bytes while processing goes on.
 * Events go in through the events topic's serdes, or as raw bytes where the bytes are the point.
 */
class EngineTopologyTest {
    private static final Topics TOPICS = Topics.defaults(1);

    @TempDir Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, VmEvent> events;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, LedgerEntry> ledger;
    private TestOutputTopic<String, DeadLetter> deadletter;

    @BeforeEach
    void start() {
        open(EngineTopology.StoreType.ROCKSDB);
    }

    private void open(EngineTopology.StoreType type) {
        if (driver != null) {
            driver.close();
        }
        driver = EngineDrivers.start("topology-test", stateDir.resolve(type.name()), type);
        events = DriverTopics.input(driver, TOPICS.events());
        raw =
                driver.createInputTopic(
                        TOPICS.events().name(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        ledger = DriverTopics.output(driver, TOPICS.ledger());
        deadletter = DriverTopics.output(driver, TOPICS.deadletter());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static List<String> vectorFleet() {
        List<String> trace = new ArrayList<>();
        int i = 0;
        for (var v : VectorTraces.vectors()) {
            trace.addAll(VectorTraces.trace(v, "vec-" + i++));
        }
        return trace;
    }

    @ParameterizedTest
    @EnumSource(EngineTopology.StoreType.class)
    void ledgerAndStateEqualReplay(EngineTopology.StoreType type) {
        open(type);
        ReplayReference ref = new ReplayReference(vectorFleet());
        for (VmEvent e : ref.events()) {
            events.pipeInput(e.getDevice(), e);
        }
        List<String> actual = new ArrayList<>();
        for (LedgerEntry v : ledger.readValuesToList()) {
            actual.add(LedgerJson.format(v));
        }
        assertEquals(ref.outcomes(), actual);
        assertTrue(deadletter.isEmpty());

        List<String> state = new ArrayList<>();
        for (String device :
                new java.util.TreeSet<>(ref.events().stream().map(VmEvent::getDevice).toList())) {
            state.addAll(ReplayReference.stateLines(device, queries(device)));
        }
        List<String> expected = new ArrayList<>(ref.stateLines());
        assertEquals(expected, state);
    }

    @Test
    void aRepeatedSeqIsReportedAsDuplicateAndNotApplied() {
        ReplayReference ref =
                new ReplayReference(VectorTraces.trace(VectorTraces.vectors().get(0), "d"));
        VmEvent first = ref.events().get(0);
        events.pipeInput("d", first);
        events.pipeInput("d", first);
        List<LedgerEntry> out = ledger.readValuesToList();
        assertEquals(2, out.size());
        assertEquals("ok", out.get(0).getStatus().name());
        assertEquals("duplicate", out.get(1).getStatus().name());
    }

    @Test
    void undecodableRecordsAreDeadLetteredWithTheirBytesAndProcessingGoesOn() {
        ReplayReference ref =
                new ReplayReference(VectorTraces.trace(VectorTraces.vectors().get(0), "d"));
        byte[] good = Wire.event(ref.events().get(0));
        byte[] garbage = "not avro at all".getBytes();
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] unknownFingerprint = good.clone();
        for (int i = 2; i < 10; i++) {
            unknownFingerprint[i] ^= 0x5a;
        }
        byte[] key = Wire.deviceKey("d");
        raw.pipeInput(key, garbage);
        raw.pipeInput(key, truncated);
        raw.pipeInput(key, unknownFingerprint);
        raw.pipeInput(Wire.deviceKey("other"), good);
        raw.pipeInput(key, (byte[]) null);
        raw.pipeInput(key, good);

        List<DeadLetter> dead = deadletter.readValuesToList();
        assertEquals(5, dead.size());
        Map<Long, DeadLetter> byOffset = new HashMap<>();
        dead.forEach(d -> byOffset.put(d.getOffset(), d));
        assertArrayEquals(garbage, bytes(byOffset.get(0L).getValue()));
        assertTrue(
                byOffset.get(0L).getReason().contains("undecodable event"),
                byOffset.get(0L).getReason());
        assertArrayEquals(truncated, bytes(byOffset.get(1L).getValue()));
        assertTrue(
                byOffset.get(1L).getReason().contains("undecodable event"),
                byOffset.get(1L).getReason());
        assertTrue(
                byOffset.get(2L).getReason().contains("fingerprint")
                        || byOffset.get(2L).getReason().contains("schema"),
                byOffset.get(2L).getReason());
        assertTrue(
                byOffset.get(3L).getReason().contains("is not the event's device 'd'"),
                byOffset.get(3L).getReason());
        assertArrayEquals(Wire.deviceKey("other"), bytes(byOffset.get(3L).getKey()));
        assertTrue(byOffset.get(4L).getReason().contains("tombstone"));
        for (DeadLetter d : dead) {
            assertEquals(TOPICS.events().name(), d.getTopic());
            assertEquals(0, d.getPartition());
        }
        List<LedgerEntry> out = ledger.readValuesToList();
        assertEquals(1, out.size());
        assertEquals(ref.outcomes().get(0), LedgerJson.format(out.get(0)));
    }

    /**
     * A value must be one event and nothing more (as a JSON trace line must be one object): an
     * event followed by bytes, e.g. two events joined, is refused whole, not folded as its first
     * event.
     */
    @Test
    void aValueWithBytesAfterItsEventIsDeadLetteredNotFoldedAsItsStart() {
        byte[] good = Wire.event(firstEvent());
        byte[] joined = Arrays.copyOf(good, 2 * good.length);
        System.arraycopy(good, 0, joined, good.length, good.length);
        raw.pipeInput(Wire.deviceKey("d"), joined);
        raw.pipeInput(Wire.deviceKey("d"), Arrays.copyOf(good, good.length + 1));
        List<DeadLetter> dead = deadletter.readValuesToList();
        assertEquals(2, dead.size());
        for (DeadLetter d : dead) {
            assertTrue(
                    d.getReason().startsWith("undecodable event: IOException: the value has "),
                    d.getReason());
        }
        assertTrue(ledger.isEmpty());
        assertGoodEventStillFolds();
    }

    @Test
    void aValueLargerThanAnEventMayBeIsDeadLetteredAsItsPrefixSizeAndDigest() throws Exception {
        byte[] huge = new byte[5 << 20];
        new java.util.Random(7).nextBytes(huge);
        raw.pipeInput(Wire.deviceKey("d"), huge);
        DeadLetter d = deadletter.readValue();
        assertEquals(DeadLetters.KEPT_BYTES, d.getValue().remaining());
        assertArrayEquals(Arrays.copyOf(huge, DeadLetters.KEPT_BYTES), bytes(d.getValue()));
        assertEquals(huge.length, d.getValueSize());
        assertEquals(
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(huge)),
                d.getValueSha256());
        assertTrue(
                d.getReason()
                        .contains(
                                "is over the "
                                        + Topics.MAX_EVENT_BYTES
                                        + " bytes an event may have"),
                d.getReason());
        assertTrue(
                Wire.deadLetter(d).length < 1 << 20,
                "a dead letter fits Kafka's default record limit");
        assertNull(d.getKeySize());
        assertGoodEventStillFolds();
    }

    @Test
    void aHugeKeyIsKeptAsItsPrefixSizeAndDigest() {
        byte[] key = new byte[3 << 20];
        Arrays.fill(key, (byte) 'k');
        raw.pipeInput(key, "garbage".getBytes());
        DeadLetter d = deadletter.readValue();
        assertEquals(DeadLetters.KEPT_BYTES, d.getKey().remaining());
        assertEquals(key.length, d.getKeySize());
        assertEquals(64, d.getKeySha256().length());
        assertTrue(
                d.getReason().contains("key of " + key.length + " bytes kept as its first"),
                d.getReason());
        assertGoodEventStillFolds();
    }

    /** Avro input is held to the JSON trace format's envelope rules, with the same reasons. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "''|1|field 'device': \"\" does not match [A-Za-z0-9._:-]{1,128}",
                "a b/../c|1|field 'device': \"a b/../c\" does not match [A-Za-z0-9._:-]{1,128}",
                "d|-1|field 'seq': 18446744073709551615 is not in 1..9223372036854775807",
                "d|0|field 'seq': 0 is not in 1..9223372036854775807",
            })
    void anEventBreakingTheEnvelopeRulesIsDeadLetteredAndDoesNotPoisonItsDevice(
            String device, long seq, String reason) {
        VmEvent bad = VmEvent.newBuilder(firstEvent()).setDevice(device).setSeq(seq).build();
        events.pipeInput(device, bad);
        DeadLetter d = deadletter.readValue();
        assertEquals("invalid event: " + reason, d.getReason());
        assertTrue(ledger.isEmpty());
        assertGoodEventStillFolds();
    }

    @Test
    void aDeviceIdOverAStoreKeyIsDeadLetteredNotFatal() {
        String device = "d".repeat(70_000);
        VmEvent bad = VmEvent.newBuilder(firstEvent()).setDevice(device).build();
        events.pipeInput(device, bad);
        DeadLetter d = deadletter.readValue();
        assertTrue(d.getReason().startsWith("invalid event: field 'device': \"ddd"), d.getReason());
        assertTrue(d.getReason().length() < 200, d.getReason());
        assertGoodEventStillFolds();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aLengthFarBeyondTheBytesIsDeadLetteredNotAnOutOfMemoryError(boolean arrayCount) {
        byte[] bomb;
        if (arrayCount) {
            // a vm_bind without ops ends in the ops array's end marker (0): make it a count of 2^30
            // items
            VmEvent bind =
                    VmEvent.newBuilder(firstEvent())
                            .setPayload(
                                    io.vmledger.schema.VmBind.newBuilder()
                                            .setFile(1)
                                            .setQueue(1)
                                            .setFlags(0)
                                            .setOps(List.of())
                                            .build())
                            .build();
            byte[] good = Wire.event(bind);
            bomb = Arrays.copyOf(good, good.length + 4);
            System.arraycopy(HUGE_VARINT, 0, bomb, good.length - 1, HUGE_VARINT.length);
        } else {
            // header (10 bytes), then a device string of 2^30 bytes
            bomb = Arrays.copyOf(Wire.event(firstEvent()), 16);
            System.arraycopy(HUGE_VARINT, 0, bomb, 10, HUGE_VARINT.length);
        }
        raw.pipeInput(Wire.deviceKey("d"), bomb);
        DeadLetter d = deadletter.readValue();
        assertTrue(d.getReason().startsWith("undecodable event"), d.getReason());
        assertGoodEventStillFolds();
    }

    /** The zig-zag varint of 2^30. */
    private static final byte[] HUGE_VARINT = {
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08
    };

    private VmEvent firstEvent() {
        return new ReplayReference(VectorTraces.trace(VectorTraces.vectors().get(0), "d"))
                .events()
                .get(0);
    }

    private void assertGoodEventStillFolds() {
        events.pipeInput("d", firstEvent());
        List<LedgerEntry> out = ledger.readValuesToList();
        assertEquals(1, out.size());
        assertEquals("ok", out.get(0).getStatus().name());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private DeviceQueries queries(String device) {
        Map<String, ByteStore> stores = new HashMap<>();
        for (String name : StoreLayout.STORES) {
            KeyValueStore<Bytes, byte[]> s = driver.getKeyValueStore(name);
            stores.put(name, new KeyValueByteStore(s));
        }
        return new DeviceQueries(
                new DeviceTables(new StoreTableSource(device, stores::get)), FoldConfig.DEFAULT);
    }
}
