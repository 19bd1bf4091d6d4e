package io.vmledger.tools.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.schema.Alert;
import io.vmledger.schema.Severity;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading vmledger topics on a real broker: to the end, from a time, one device's partition,
 * following, and records that are not values of the topic reported, not fatal.
 */
class TopicReaderIT {
    private static final Topic<String, String> TOPIC = text("reader-test");
    private static final Topic<String, String> FOLLOWED = text("reader-follow");
    private static final Topic<String, Alert> ALERTS =
            Topics.prefixed("reader.", 1, (short) 1).alerts();

    @TempDir static Path dir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(TOPIC.name(), 3, (short) 1),
                                    new NewTopic(FOLLOWED.name(), 2, (short) 1),
                                    new NewTopic(ALERTS.name(), 1, (short) 1)))
                    .all()
                    .get();
        }
        send(TOPIC, 0, 30);
        send(FOLLOWED, 0, 10);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A topic of text keys and values. */
    private static Topic<String, String> text(String name) {
        return new Topic<>(name, Serdes.String(), Serdes.String());
    }

    /** Records i in [from, to): key "dev-(i % 5)", timestamp 1000 * i, value "i". */
    private static void send(Topic<String, String> topic, int from, int to) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(
                    new ProducerRecord<>(
                            topic.name(), null, 1000L * i, "dev-" + (i % 5), Integer.toString(i)));
        }
        send(topic, records);
    }

    private static <K, V> void send(Topic<K, V> topic, List<ProducerRecord<K, V>> records) {
        try (KafkaProducer<K, V> p =
                new KafkaProducer<>(
                        Map.of("bootstrap.servers", broker.bootstrapServers()),
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer())) {
            records.forEach(p::send);
        }
    }

    /** Hands what a reader reads to {@code use}; fails on an unreadable record. */
    private static <V> TopicReader.Handler<V> each(Consumer<ConsumerRecord<byte[], byte[]>> use) {
        return new TopicReader.Handler<>() {
            @Override
            public void record(V value, ConsumerRecord<byte[], byte[]> raw) {
                use.accept(raw);
            }

            @Override
            public void unreadable(ConsumerRecord<byte[], byte[]> raw, String reason) {
                throw new AssertionError("unreadable " + raw + ": " + reason);
            }
        };
    }

    private static List<Integer> values(TopicReader<String, String> reader) throws IOException {
        List<Integer> out = new ArrayList<>();
        reader.read(false, each(r -> out.add(Integer.parseInt(reader.value(r)))));
        out.sort(null);
        return out;
    }

    @Test
    void readsEverythingAndStopsAtTheEnd() throws IOException {
        try (TopicReader<String, String> r = TopicReader.all(broker.bootstrapServers(), TOPIC)) {
            List<Integer> got = values(r);
            assertEquals(30, got.size());
            assertEquals(0, got.get(0));
            assertEquals(29, got.get(29));
        }
    }

    @Test
    void startsAtTheFirstRecordAtOrAfterATime() throws IOException {
        try (TopicReader<String, String> r =
                TopicReader.all(broker.bootstrapServers(), TOPIC).fromTime(25_000)) {
            assertEquals(List.of(25, 26, 27, 28, 29), values(r));
        }
    }

    @Test
    void aDevicesPartitionHoldsAllItsRecords() throws IOException {
        try (TopicReader<String, String> r =
                TopicReader.partitionOf(broker.bootstrapServers(), TOPIC, "dev-3")) {
            List<String> keys = new ArrayList<>();
            r.read(false, each(rec -> keys.add(r.topic().deserializeKey(rec.key()))));
            assertEquals(6, keys.stream().filter("dev-3"::equals).count());
            assertEquals(1, r.partitions().size());
        }
    }

    @Test
    void followingFromTheEndSeesOnlyNewRecordsUntilWokenUp() throws Exception {
        List<Integer> got = new CopyOnWriteArrayList<>();
        try (TopicReader<String, String> r =
                TopicReader.all(broker.bootstrapServers(), FOLLOWED).fromEnd()) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    r.read(
                                            true,
                                            each(rec -> got.add(Integer.parseInt(r.value(rec)))));
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
            t.start();
            send(FOLLOWED, 100, 103);
            for (int i = 0; i < 300 && got.size() < 3; i++) {
                Thread.sleep(100);
            }
            r.wakeup();
            t.join(10_000);
            assertTrue(!t.isAlive());
        }
        List<Integer> sorted = new ArrayList<>(got);
        sorted.sort(null);
        assertEquals(List.of(100, 101, 102), sorted);
    }

    @Test
    void aMissingTopicIsAClearError() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TopicReader.all(broker.bootstrapServers(), text("no-such-topic")));
        assertTrue(e.getMessage().contains("no topic no-such-topic"), e.getMessage());
    }

    /**
     * A value the topic's serde does not decode, and a tombstone, are each handed to {@code
     * unreadable} with the decoder's reason (what the tools count and report), and reading goes on
     * to the records after them.
     */
    @Test
    void recordsThatAreNotValuesOfTheTopicAreReportedUnreadableAndReadingGoesOn() throws Exception {
        Alert alert =
                Alert.newBuilder()
                        .setRule("pin_leak")
                        .setSeverity(Severity.warning)
                        .setDevice("d")
                        .setEvidence("BO pinned")
                        .setValue(2)
                        .setLimit(1)
                        .setBytes(4096)
                        .setFirstSeen(1)
                        .setRaised(2)
                        .setSeq(1L)
                        .build();
        send(
                text(ALERTS.name()),
                List.of(new ProducerRecord<>(ALERTS.name(), "d", "not an alert")));
        send(
                ALERTS,
                List.of(
                        new ProducerRecord<>(ALERTS.name(), "d", null),
                        new ProducerRecord<>(ALERTS.name(), "d", alert)));
        List<String> seen = new ArrayList<>();
        try (TopicReader<String, Alert> r = TopicReader.all(broker.bootstrapServers(), ALERTS)) {
            long n =
                    r.read(
                            false,
                            new TopicReader.Handler<>() {
                                @Override
                                public void record(Alert a, ConsumerRecord<byte[], byte[]> raw) {
                                    seen.add(raw.offset() + " " + a.getRule());
                                }

                                @Override
                                public void unreadable(
                                        ConsumerRecord<byte[], byte[]> raw, String reason) {
                                    seen.add(raw.offset() + " unreadable: " + reason);
                                }
                            });
            assertEquals(3, n);
        }
        assertEquals(
                List.of(
                        "0 unreadable: " + reason("not an alert".getBytes(StandardCharsets.UTF_8)),
                        "1 unreadable: " + reason(new byte[0]),
                        "2 pin_leak"),
                seen);
    }

    /** Why {@link Wire} does not decode {@code value} as an alert. */
    private static String reason(byte[] value) {
        return assertThrows(IOException.class, () -> Wire.alert(value)).getMessage();
    }
}
