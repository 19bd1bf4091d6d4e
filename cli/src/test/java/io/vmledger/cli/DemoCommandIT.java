package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.tools.coredump.Devcoredump;
import io.vmledger.tools.coredump.DevcoredumpReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vmledger demo} end to end, short: broker, engine, a small fleet with every leak kind
 * injected, coredump writer and alert reporter in one process; the report names what it wrote, the
 * dump files are msm devcoredumps, the alerts file holds the alerts, and the ledger shows no error
 * (the demo injects no invalid ioctls); a run too short in device time for leak alerts says so in
 * its report.
 */
class DemoCommandIT {
    @TempDir Path dir;

    @Test
    void aShortDemoWritesCoredumpsAndAlertsAPersonCanRead() throws Exception {
        Path data = dir.resolve("demo");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vmledger.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit =
                cli.execute(
                        "demo",
                        "--devices",
                        "4",
                        "--duration",
                        "25s",
                        "--rate",
                        "400",
                        "--bug-rate",
                        "1",
                        "--alert-after",
                        "2s",
                        "--broker-port",
                        "0",
                        "--http",
                        "127.0.0.1:0",
                        "--data-dir",
                        data.toString());

        assertEquals(0, exit, err.toString());
        String report = err.toString();
        assertTrue(report.contains("vmledger demo: report"), report);
        assertTrue(report.matches("(?s).*folded: [0-9,]+ ok, 0 error, 0 duplicate.*"), report);
        assertFalse(report.contains("leak alerts need"), "the fleet ran long enough: " + report);

        List<Path> dumps;
        try (Stream<Path> s = Files.list(data.resolve("coredumps"))) {
            dumps = s.filter(p -> p.toString().endsWith(".devcore")).toList();
        }
        assertFalse(dumps.isEmpty(), "the fleet faults and hangs now and then: " + report);
        for (Path p : dumps) {
            Devcoredump d = DevcoredumpReader.read(Files.readString(p));
            assertEquals("msm", d.header().get("module"), p.toString());
            assertTrue(report.contains(p.getFileName().toString()) || dumps.size() > 10, report);
        }

        List<String> alerts = Files.readAllLines(data.resolve("alerts.jsonl"));
        assertTrue(
                alerts.stream().anyMatch(a -> a.contains("\"severity\":\"warning\"")),
                "every device carries every leak: " + alerts);
        assertFalse(Files.readAllLines(data.resolve("truth.jsonl")).isEmpty());

        int second =
                cli.execute(
                        "demo",
                        "--devices",
                        "1",
                        "--duration",
                        "1s",
                        "--rate",
                        "50",
                        "--broker-port",
                        "0",
                        "--http",
                        "127.0.0.1:0",
                        "--data-dir",
                        data.toString());
        assertEquals(0, second, "a demo directory is emptied and reused: " + err);
        String short1 = err.toString().substring(report.length());
        assertTrue(short1.contains("leak alerts need at least --alert-after (5.0 s)"), short1);
    }
}
