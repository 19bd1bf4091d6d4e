package io.vmledger.tools.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading vmledger topics on a real broker: to the end, from a time, one device's partition, following. */
class TopicReaderIT {
    private static final String TOPIC = "reader-test";
    private static final String FOLLOWED = "reader-follow";

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1), new NewTopic(FOLLOWED, 2, (short) 1))).all().get();
        }
        send(TOPIC, 0, 30);
        send(FOLLOWED, 0, 10);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** Records i in [from, to): key "dev-(i % 5)", timestamp 1000 * i, value "i". */
    private static void send(String topic, int from, int to) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                p.send(new ProducerRecord<>(topic, null, 1000L * i, bytes("dev-" + (i % 5)), bytes(Integer.toString(i))));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Integer> values(TopicReader reader) throws IOException {
        List<Integer> out = new ArrayList<>();
        reader.read(false, r -> out.add(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8))));
        out.sort(null);
        return out;
    }

    @Test
    void readsEverythingAndStopsAtTheEnd() throws IOException {
        try (TopicReader r = TopicReader.all(broker.bootstrapServers(), TOPIC)) {
            List<Integer> got = values(r);
            assertEquals(30, got.size());
            assertEquals(0, got.get(0));
            assertEquals(29, got.get(29));
        }
    }

    @Test
    void startsAtTheFirstRecordAtOrAfterATime() throws IOException {
        try (TopicReader r = TopicReader.all(broker.bootstrapServers(), TOPIC).fromTime(25_000)) {
            assertEquals(List.of(25, 26, 27, 28, 29), values(r));
        }
    }

    @Test
    void aDevicesPartitionHoldsAllItsRecords() throws IOException {
        try (TopicReader r = TopicReader.partitionOf(broker.bootstrapServers(), TOPIC, "dev-3")) {
            List<String> keys = new ArrayList<>();
            r.read(false, rec -> keys.add(new String(rec.key(), StandardCharsets.UTF_8)));
            assertEquals(6, keys.stream().filter("dev-3"::equals).count());
            assertEquals(1, r.partitions().size());
        }
    }

    @Test
    void followingFromTheEndSeesOnlyNewRecordsUntilWokenUp() throws Exception {
        List<Integer> got = new CopyOnWriteArrayList<>();
        try (TopicReader r = TopicReader.all(broker.bootstrapServers(), FOLLOWED).fromEnd()) {
            Thread t = new Thread(() -> {
                try {
                    r.read(true, rec -> got.add(Integer.parseInt(new String(rec.value(), StandardCharsets.UTF_8))));
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicReader.all(broker.bootstrapServers(), "no-such-topic"));
        assertTrue(e.getMessage().contains("no topic no-such-topic"), e.getMessage());
    }
}
