package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vmledger simulate} end to end: JSON Lines, Avro and Kafka output, ground truth, replay, bad arguments. */
class SimulateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private CliRun simulate(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", "--devices", "3", "--events", "5000", "--seed", "9",
                "--bug-rate", "1", "--invalid-rate", "0.05", "--out", dir.resolve(out).toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void writesAJsonTraceWithItsGroundTruthThatReplaysWithOnlyTheLabelledErrors() throws IOException {
        CliRun sim = simulate("fleet.jsonl");
        assertEquals(0, sim.exit(), sim.err());
        assertTrue(sim.err().contains("5,000 events from 3 devices"), sim.err());
        assertEquals(5000, Files.readAllLines(dir.resolve("fleet.jsonl")).size());
        List<String> truth = Files.readAllLines(dir.resolve("fleet.truth.jsonl"));
        long invalid = 0;
        for (String l : truth) {
            JsonNode t = JSON.readTree(l);
            assertEquals(t.get("truth").asText().equals("invalid"), t.has("errno"), l);
            invalid += t.get("truth").asText().equals("invalid") ? 1 : 0;
        }
        assertTrue(invalid > 0, "no invalid ioctl in " + truth);
        CliRun replay = run("replay", "--input", dir.resolve("fleet.jsonl").toString());
        assertEquals(0, replay.exit(), replay.err());
        assertTrue(replay.err().contains("5000 events: " + (5000 - invalid) + " ok, " + invalid + " error"), replay.err());
    }

    @Test
    void avroOutputHoldsTheSameEventsAsJson() throws IOException {
        assertEquals(0, simulate("fleet.jsonl").exit());
        assertEquals(0, simulate("fleet.avro").exit());
        List<String> fromAvro = new ArrayList<>();
        try (DataFileReader<VmEvent> r = new DataFileReader<>(dir.resolve("fleet.avro").toFile(),
                new SpecificDatumReader<>(VmEvent.class))) {
            r.forEach(e -> fromAvro.add(TraceJson.format(e)));
        }
        assertEquals(Files.readAllLines(dir.resolve("fleet.jsonl")), fromAvro);
    }

    @Test
    void publishesToTheEmbeddedBrokerWhatItWouldWriteToAFile() throws IOException {
        assertEquals(0, simulate("fleet.jsonl").exit());
        Path data = dir.resolve("data");
        CliRun sim = run("simulate", "--devices", "3", "--events", "5000", "--seed", "9", "--bug-rate", "1",
                "--invalid-rate", "0.05", "--broker-port", "0", "--data-dir", data.toString(), "--topic-prefix", "sim.",
                "--truth", dir.resolve("kafka.truth.jsonl").toString());
        assertEquals(0, sim.exit(), sim.err());
        assertEquals(Files.readAllLines(dir.resolve("fleet.truth.jsonl")), Files.readAllLines(dir.resolve("kafka.truth.jsonl")));
        List<VmEvent> published = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("broker"), 0);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "simulate-test",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("sim.events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (published.size() < 5000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    VmEvent e = Wire.event(r.value());
                    assertEquals(e.getDevice(), new String(r.key(), StandardCharsets.UTF_8));
                    assertEquals(e.getTs() / 1000, r.timestamp());
                    published.add(e);
                }
            }
        }
        List<String> expected = Files.readAllLines(dir.resolve("fleet.jsonl"));
        assertEquals(expected.size(), published.size());
        assertEquals(new HashSet<>(expected), published.stream().map(TraceJson::format).collect(Collectors.toSet()));
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertBad("--devices must be >= 1", "simulate", "--devices", "0", "--out", dir.resolve("x.jsonl").toString());
        assertBad("exclude each other", "simulate", "--out", dir.resolve("x.jsonl").toString(), "--bootstrap", "h:1");
        assertBad("--duration must be", "simulate", "--duration", "5x", "--out", dir.resolve("x.jsonl").toString());
        assertBad("--bug-rate and --invalid-rate", "simulate", "--bug-rate", "2", "--out", dir.resolve("x.jsonl").toString());
        assertBad("--start-time must be", "simulate", "--start-time", "yesterday", "--out", dir.resolve("x.jsonl").toString());
        assertBad("--events 0 needs", "simulate", "--events", "0", "--out", dir.resolve("x.jsonl").toString());
        assertBad("cannot write", "simulate", "--out", dir.resolve("missing/x.jsonl").toString());
    }

    private static void assertBad(String message, String... args) {
        CliRun r = run(args);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void durationsAndTruthFileNames() {
        assertEquals(90_000_000L, Durations.micros("90", "--duration"));
        assertEquals(300_000_000L, Durations.micros("5m", "--duration"));
        assertEquals(500_000L, Durations.micros("500ms", "--duration"));
        assertEquals(Path.of("a/fleet.truth.jsonl"), SimulateCommand.truthBeside(Path.of("a/fleet.avro")));
    }
}
