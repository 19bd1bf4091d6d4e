package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger simulate} to its embedded broker: the events topic holds what the same run writes
 * to a file (keyed by device, event times as record timestamps), with the same ground truth.
 */
class SimulateCommandIT {
    @TempDir Path dir;

    @Test
    void publishesToTheEmbeddedBrokerWhatItWouldWriteToAFile() throws IOException {
        assertEquals(
                0,
                SimulateCommandTest.simulate("--out", dir.resolve("fleet.jsonl").toString())
                        .exit());
        Path data = dir.resolve("data");
        CliRun sim =
                SimulateCommandTest.simulate(
                        "--broker-port",
                        "0",
                        "--data-dir",
                        data.toString(),
                        "--topic-prefix",
                        "sim.",
                        "--truth",
                        dir.resolve("kafka.truth.jsonl").toString());
        assertEquals(0, sim.exit(), sim.err());
        assertEquals(
                Files.readAllLines(dir.resolve("fleet.truth.jsonl")),
                Files.readAllLines(dir.resolve("kafka.truth.jsonl")));
        List<VmEvent> published = new ArrayList<>();
        Topic<String, VmEvent> events = Topics.prefixed("sim.", 1, (short) 1).events();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("broker"), 0);
                KafkaConsumer<String, VmEvent> consumer =
                        new KafkaConsumer<>(
                                Map.of(
                                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                                broker.bootstrapServers(),
                                        ConsumerConfig.GROUP_ID_CONFIG, "simulate-test",
                                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                                events.keySerde().deserializer(),
                                events.valueSerde().deserializer())) {
            consumer.subscribe(List.of(events.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (published.size() < 5000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, VmEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    VmEvent e = r.value();
                    assertEquals(e.getDevice(), r.key());
                    assertEquals(e.getTs() / 1000, r.timestamp());
                    published.add(e);
                }
            }
        }
        List<String> expected = Files.readAllLines(dir.resolve("fleet.jsonl"));
        assertEquals(expected.size(), published.size());
        assertEquals(
                new HashSet<>(expected),
                published.stream().map(TraceJson::format).collect(Collectors.toSet()));
    }
}
