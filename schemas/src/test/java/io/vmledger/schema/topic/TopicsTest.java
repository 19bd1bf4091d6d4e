package io.vmledger.schema.topic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.AlertRule;
import io.vmledger.core.dump.CrashState;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.state.VmMode;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.SnapshotEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.AlertEncoder;
import io.vmledger.schema.codec.CoredumpEncoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The typed catalogue: every topic's serdes write exactly the bytes of {@link Wire} (the records on
 * the topics do not change), read them back, and refuse bytes that are not a record of the topic
 * with the error the topic readers report as unreadable, carrying {@code Wire}'s reason.
 */
class TopicsTest {
    private static final Topics TOPICS = Topics.defaults(3);

    /** A topic, one value of it, and the value's bytes and decoder in {@link Wire}. */
    private record Case<V>(
            Topic<String, V> topic, V value, Function<V, byte[]> wire, WireDecoder<V> wireDecoder) {
        void assertWritesAndReadsTheWireForm() {
            byte[] bytes = topic.serializeValue(value);
            assertArrayEquals(wire.apply(value), bytes);
            assertEquals(value, topic.deserializeValue(bytes));
            assertArrayEquals(Wire.deviceKey("dev-1"), topic.serializeKey("dev-1"));
            assertEquals("dev-1", topic.deserializeKey(Wire.deviceKey("dev-1")));
        }

        void assertRefusesWhatWireRefuses() {
            byte[] good = wire.apply(value);
            byte[] unknownFingerprint = good.clone();
            for (int i = 2; i < 10; i++) {
                unknownFingerprint[i] ^= 0x5a;
            }
            for (byte[] bad :
                    List.of(
                            "not avro at all".getBytes(StandardCharsets.UTF_8),
                            new byte[0],
                            Arrays.copyOf(good, good.length - 1),
                            unknownFingerprint)) {
                IOException expected =
                        assertThrows(IOException.class, () -> wireDecoder.decode(bad));
                SerializationException e =
                        assertThrows(
                                SerializationException.class, () -> topic.deserializeValue(bad));
                assertEquals(expected.getMessage(), e.getMessage());
            }
        }
    }

    /** A decoder of {@link Wire}. */
    @FunctionalInterface
    private interface WireDecoder<V> {
        V decode(byte[] value) throws IOException;
    }

    static Stream<Arguments> topics() {
        VmEvent event =
                TraceJson.parse(
                        "{\"device\":\"dev-1\",\"seq\":7,\"ts\":5,\"type\":\"vmap\",\"bo\":8}");
        Outcome outcome =
                new Outcome(
                        "dev-1",
                        7,
                        "vmap",
                        5,
                        Status.OK,
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(Effect.boFreed(3)));
        CrashState crash =
                new CrashState(
                        "dev-1",
                        1,
                        2,
                        3,
                        CrashState.Reason.HANG,
                        VmMode.VM_BIND,
                        false,
                        null,
                        0,
                        0,
                        List.of(),
                        null,
                        List.of(),
                        new CrashState.Attribution(
                                0x1000, List.of(), null, null, false, List.of(), 0, 0, null),
                        new CrashState.Gpu(0x06030002L, 630, "Adreno 630", "6.18.0"),
                        new CrashState.SubmitRef(0, 4),
                        CrashState.BosSource.VM,
                        new CrashState.KernelCapture(false, "pending"));
        DeadLetter dead =
                DeadLetter.newBuilder()
                        .setTopic("vmledger.events")
                        .setPartition(2)
                        .setOffset(9)
                        .setTimestamp(1000)
                        .setKey(ByteBuffer.wrap(new byte[] {1}))
                        .setValue(ByteBuffer.wrap(new byte[] {2, 3}))
                        .setReason("undecodable event")
                        .build();
        Alert alert =
                new Alert(AlertRule.HANDLE_LEAK, "dev-1", 2L, 3L, "evidence", 1, 2, 3, 4, 5, 6);
        return Stream.of(
                of(new Case<>(TOPICS.events(), event, Wire::event, Wire::event)),
                of(
                        new Case<>(
                                TOPICS.ledger(),
                                OutcomeEncoder.encode(outcome),
                                Wire::ledger,
                                Wire::ledger)),
                of(new Case<>(TOPICS.deadletter(), dead, Wire::deadLetter, Wire::deadLetter)),
                of(
                        new Case<>(
                                TOPICS.coredumps(),
                                CoredumpEncoder.encode(crash),
                                Wire::coredump,
                                Wire::coredump)),
                of(
                        new Case<>(
                                TOPICS.alerts(),
                                AlertEncoder.encode(alert),
                                Wire::alert,
                                Wire::alert)));
    }

    private static Arguments of(Case<?> c) {
        return Arguments.of(c.topic().name(), c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void aTopicsSerdesWriteAndReadTheWireForm(String name, Case<?> c) {
        c.assertWritesAndReadsTheWireForm();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void bytesThatAreNotARecordOfTheTopicFailAsWireFailsThem(String name, Case<?> c) {
        c.assertRefusesWhatWireRefuses();
    }

    @Test
    void theSnapshotsSerdesWriteAndReadTheWireFormAndTheSnapshotKey() throws IOException {
        Topic<SnapshotKey, Snapshot> topic = TOPICS.snapshots();
        Snapshot s =
                Snapshot.newBuilder()
                        .setDevice("dev-1")
                        .setSeq(-1L)
                        .setTs(5)
                        .setSourceTopic("vmledger.events")
                        .setSourcePartition(1)
                        .setSourceOffset(42)
                        .setPart(1)
                        .setParts(2)
                        .setEntries(
                                List.of(
                                        new SnapshotEntry(
                                                "vms",
                                                ByteBuffer.wrap(new byte[] {1}),
                                                ByteBuffer.wrap(new byte[] {2}))))
                        .build();
        assertArrayEquals(Wire.snapshot(s), topic.serializeValue(s));
        assertEquals(s, topic.deserializeValue(Wire.snapshot(s)));
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                assertThrows(IOException.class, () -> Wire.snapshot(garbage)).getMessage(),
                assertThrows(SerializationException.class, () -> topic.deserializeValue(garbage))
                        .getMessage());

        SnapshotKey key = new SnapshotKey("dev-1", -1L, 1);
        byte[] bytes = "dev-1@18446744073709551615/1".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(bytes, topic.serializeKey(key));
        assertEquals(key, topic.deserializeKey(bytes));
        assertArrayEquals(
                "a:b@00000000000000000042/0".getBytes(StandardCharsets.UTF_8),
                topic.serializeKey(new SnapshotKey("a:b", 42, 0)));
        for (String bad : List.of("dev-1", "dev-1@42", "dev-1@x/0", "dev-1@42/x")) {
            assertThrows(
                    SerializationException.class,
                    () -> topic.deserializeKey(bad.getBytes(StandardCharsets.UTF_8)),
                    bad);
        }
    }

    @Test
    void tombstonesAreNullBothWays() {
        assertNull(TOPICS.ledger().serializeValue(null));
        assertNull(TOPICS.ledger().deserializeValue(null));
        assertNull(TOPICS.snapshots().serializeKey(null));
        assertNull(TOPICS.snapshots().deserializeKey(null));
    }

    @Test
    void theCatalogueNamesEveryTopicWithItsPrefix() {
        Topics t = Topics.prefixed("p.", 4, (short) 2);
        assertEquals(
                List.of(
                        "p.events",
                        "p.ledger",
                        "p.deadletter",
                        "p.coredumps",
                        "p.alerts",
                        "p.snapshots"),
                t.all());
        assertEquals("p.ledger", t.ledger().name());
        assertEquals("p.ledger", t.ledger().toString());
        assertEquals(4, t.partitions());
        assertEquals(2, t.replication());
        assertEquals("vmledger.events", Topics.defaults(1).events().name());
        assertEquals(Topics.defaults(3), TOPICS, "catalogues share their serdes");
    }
}
