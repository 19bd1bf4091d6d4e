package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.VectorTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger engine} end to end on its embedded broker: fed every shared vector (one device
 * each) plus the quick-start trace, the ledger it prints equals {@code vmledger replay}'s output
 * line for line within each device, and the unreadable quick-start line is reported, not sent.
 */
class EngineCommandIT {
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void theEnginesLedgerEqualsReplayForEveryVector() throws Exception {
        List<String> trace = new ArrayList<>();
        int i = 0;
        for (var v : VectorTraces.vectors()) {
            trace.addAll(VectorTraces.trace(v, "vec-" + i++));
        }
        Path vectors = dir.resolve("vectors.jsonl");
        Files.write(vectors, trace);
        Path quickstart = repoFile("examples/quickstart.jsonl");

        CliRun engine =
                run(
                        "engine",
                        "--feed",
                        vectors.toString(),
                        "--feed",
                        quickstart.toString(),
                        "--print-ledger",
                        "--exit-after-feed",
                        "--broker-port",
                        "0",
                        "--http",
                        "127.0.0.1:0",
                        "--data-dir",
                        dir.resolve("data").toString());
        assertEquals(0, engine.exit(), engine.err());
        assertTrue(engine.err().contains("quickstart.jsonl:9: not sent"), engine.err());

        List<String> expected =
                new ArrayList<>(lines(run("replay", "--input", vectors.toString()).out()));
        for (String l : lines(run("replay", "--input", quickstart.toString()).out())) {
            if (!l.contains("\"bad_event\"")) {
                expected.add(l);
            }
        }
        assertEquals(byDevice(expected), byDevice(lines(engine.out())));
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    /** Lines grouped by device, each device's lines in order (devices are ordered by name). */
    private static java.util.Map<String, List<String>> byDevice(List<String> lines) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        for (String l : lines) {
            String d = l.substring(l.indexOf("\"device\":\"") + 10);
            out.computeIfAbsent(d.substring(0, d.indexOf('"')), k -> new ArrayList<>()).add(l);
        }
        return out;
    }

    private static Path repoFile(String name) {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(d.resolve(name))) {
            d = d.getParent();
        }
        return d.resolve(name);
    }
}
