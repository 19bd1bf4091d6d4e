package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger simulate} end to end without a broker: JSON Lines and Avro output, ground truth,
 * replay, bad arguments ({@link SimulateCommandIT} checks the Kafka output).
 */
class SimulateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /**
     * {@code vmledger simulate} of the fleet these tests use (3 devices, 5,000 events, seed 9, bug
     * rate 1, 5 % invalid ioctls), with {@code output} naming where it goes.
     */
    static CliRun simulate(String... output) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "simulate",
                                "--devices",
                                "3",
                                "--events",
                                "5000",
                                "--seed",
                                "9",
                                "--bug-rate",
                                "1",
                                "--invalid-rate",
                                "0.05"));
        args.addAll(List.of(output));
        return run(args.toArray(String[]::new));
    }

    private CliRun simulateTo(String file) {
        return simulate("--out", dir.resolve(file).toString());
    }

    @Test
    void writesAJsonTraceWithItsGroundTruthThatReplaysWithOnlyTheLabelledErrors()
            throws IOException {
        CliRun sim = simulateTo("fleet.jsonl");
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
        assertTrue(
                replay.err()
                        .contains(
                                "5000 events: " + (5000 - invalid) + " ok, " + invalid + " error"),
                replay.err());
    }

    @Test
    void avroOutputHoldsTheSameEventsAsJson() throws IOException {
        assertEquals(0, simulateTo("fleet.jsonl").exit());
        assertEquals(0, simulateTo("fleet.avro").exit());
        List<String> fromAvro = new ArrayList<>();
        try (DataFileReader<VmEvent> r =
                new DataFileReader<>(
                        dir.resolve("fleet.avro").toFile(),
                        new SpecificDatumReader<>(VmEvent.class))) {
            r.forEach(e -> fromAvro.add(TraceJson.format(e)));
        }
        assertEquals(Files.readAllLines(dir.resolve("fleet.jsonl")), fromAvro);
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertBad(
                "--devices must be >= 1",
                "simulate",
                "--devices",
                "0",
                "--out",
                dir.resolve("x.jsonl").toString());
        assertBad(
                "exclude each other",
                "simulate",
                "--out",
                dir.resolve("x.jsonl").toString(),
                "--bootstrap",
                "h:1");
        assertBad(
                "--duration must be",
                "simulate",
                "--duration",
                "5x",
                "--out",
                dir.resolve("x.jsonl").toString());
        assertBad(
                "--bug-rate and --invalid-rate",
                "simulate",
                "--bug-rate",
                "2",
                "--out",
                dir.resolve("x.jsonl").toString());
        assertBad(
                "--start-time must be",
                "simulate",
                "--start-time",
                "yesterday",
                "--out",
                dir.resolve("x.jsonl").toString());
        assertBad(
                "--events 0 needs",
                "simulate",
                "--events",
                "0",
                "--out",
                dir.resolve("x.jsonl").toString());
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
        assertEquals(
                Path.of("a/fleet.truth.jsonl"),
                SimulateCommand.truthBeside(Path.of("a/fleet.avro")));
    }
}
