package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.producer.sim.ChurnTrace;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger produce} against a real embedded broker: what is consumed back from the events
 * topic equals the input, device by device and in order, with event times as record timestamps; a
 * checkpoint makes a re-run send only what was not acknowledged.
 */
class ProduceCommandIT {
    @TempDir static Path dir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String prefix() {
        return "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    @Test
    void consumedEventsEqualTheInputPerDeviceInOrder() throws Exception {
        List<String> mixed = ChurnTrace.lines(3, 20);
        Path mixedFile = dir.resolve("mixed.jsonl");
        Files.write(mixedFile, mixed);
        List<String> single = new ArrayList<>();
        for (String l : ChurnTrace.lines(1, 30)) {
            single.add(l.replace("\"device\":\"churn-0\"", "\"device\":\"solo\""));
        }
        Path singleFile = dir.resolve("solo.jsonl");
        Files.write(singleFile, single);
        String prefix = prefix();

        CliRun r =
                run(
                        "produce",
                        "-i",
                        mixedFile.toString(),
                        "-i",
                        singleFile.toString(),
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic-prefix",
                        prefix,
                        "--compression",
                        "zstd");

        assertEquals(0, r.exit(), r.err());
        Map<String, List<VmEvent>> expected = byDevice(mixed);
        expected.putAll(byDevice(single));
        Map<String, List<ConsumerRecord<String, VmEvent>>> records =
                consume(prefix, mixed.size() + single.size());
        assertEquals(expected.keySet(), records.keySet());
        for (Map.Entry<String, List<VmEvent>> e : expected.entrySet()) {
            List<VmEvent> got = new ArrayList<>();
            for (ConsumerRecord<String, VmEvent> rec : records.get(e.getKey())) {
                VmEvent ev = rec.value();
                got.add(ev);
                assertEquals(rec.key(), ev.getDevice());
                assertEquals(
                        ev.getTs() / 1000,
                        rec.timestamp(),
                        "record timestamp is the event time in ms");
            }
            assertEquals(e.getValue(), got, e.getKey());
            assertTrue(
                    r.err().contains(String.format("  %-24s %,d", e.getKey(), e.getValue().size())),
                    r.err());
        }
        assertTrue(
                r.err()
                        .contains(
                                (mixed.size() + single.size())
                                        + " events sent to "
                                        + prefix
                                        + "events"),
                r.err());
    }

    @Test
    void aCheckpointResumesWhereTheBrokerLastAcknowledged() throws Exception {
        List<String> trace = ChurnTrace.lines(2, 10);
        Path file = dir.resolve("resume.jsonl");
        Files.write(file, trace);
        Path checkpoint = dir.resolve("resume.checkpoint.json");
        Files.writeString(checkpoint, "{\"churn-0\": 5}");
        String prefix = prefix();
        String[] args = {
            "produce",
            "-i",
            file.toString(),
            "--bootstrap",
            broker.bootstrapServers(),
            "--topic-prefix",
            prefix,
            "--checkpoint",
            checkpoint.toString()
        };

        CliRun first = run(args);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("5 already sent (checkpoint)"), first.err());
        CliRun again = run(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(
                again.err().contains(": 0 events sent, " + trace.size() + " already sent"),
                again.err());

        Map<String, List<VmEvent>> expected = byDevice(trace);
        expected.get("churn-0").removeIf(e -> e.getSeq() <= 5);
        Map<String, List<ConsumerRecord<String, VmEvent>>> records =
                consume(prefix, trace.size() - 5);
        for (Map.Entry<String, List<VmEvent>> e : expected.entrySet()) {
            List<VmEvent> got = new ArrayList<>();
            for (ConsumerRecord<String, VmEvent> rec : records.get(e.getKey())) {
                got.add(rec.value());
            }
            assertEquals(e.getValue(), got, "each event exactly once: " + e.getKey());
        }
    }

    private static Map<String, List<VmEvent>> byDevice(List<String> lines) throws Exception {
        Map<String, List<VmEvent>> out = new LinkedHashMap<>();
        for (String l : lines) {
            VmEvent e = TraceJson.parse(l);
            out.computeIfAbsent(e.getDevice(), d -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /**
     * Reads the events topic of {@code prefix} from the start until {@code n} records arrived (or a
     * minute passed).
     */
    private static Map<String, List<ConsumerRecord<String, VmEvent>>> consume(
            String prefix, int n) {
        Topic<String, VmEvent> topic = Topics.prefixed(prefix, 1, (short) 1).events();
        Map<String, Object> p =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + topic.name());
        Map<String, List<ConsumerRecord<String, VmEvent>>> out = new LinkedHashMap<>();
        try (KafkaConsumer<String, VmEvent> c =
                new KafkaConsumer<>(
                        p, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic.name()).stream()
                            .map(i -> new TopicPartition(topic.name(), i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (seen < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, VmEvent> r : c.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                    seen++;
                }
            }
            for (ConsumerRecord<String, VmEvent> r : c.poll(Duration.ofMillis(500))) {
                out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }
}
