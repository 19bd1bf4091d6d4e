package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vmledger replay} end to end on small traces (trace-and-replay.md §2–§3). */
class ReplayCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    record Run(int exit, List<JsonNode> lines, String err) {}

    private Run replay(String trace, String... extra) throws IOException {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, trace);
        List<String> args = new ArrayList<>(List.of("replay", "--input", f.toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    private static Run run(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vmledger.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().split("\n")) {
            if (l.startsWith("{")) {
                lines.add(JSON.readTree(l));
            }
        }
        return new Run(exit, lines, err.toString());
    }

    private static final String OPEN =
            """
            {"device":"d1","seq":1,"type":"file_open","file":1,"vm_bind":true}
            {"device":"d1","seq":2,"type":"submitqueue_new","file":1,"queue":1,"vm_bind":true}
            {"device":"d1","seq":3,"type":"bo_new","file":1,"bo":7,"size":65536}
            """;

    @Test
    void printsOneOutcomePerEventInInputOrder() throws IOException {
        Run r =
                replay(
                        OPEN
                                + """
                {"device":"d1","seq":4,"type":"vm_bind","file":1,"queue":1,"ops":[{"op":"map","bo":7,"iova":"0x100000000","range":"0x2000"}]}
                """);
        assertEquals(0, r.exit());
        assertEquals(4, r.lines().size());
        JsonNode bind = r.lines().get(3);
        assertEquals("ok", bind.get("status").asText());
        assertEquals(3, bind.get("prealloc_pages").asLong());
        JsonNode step = bind.get("ops").get(0).get("steps").get(0);
        assertEquals("map", step.get("step").asText());
        assertEquals(0x100000000L, step.get("va").get("addr").asLong());
        assertEquals(7, step.get("va").get("bo").asLong());
        JsonNode pt = bind.get("ops").get(0).get("pt").get(0);
        assertEquals("map", pt.get("op").asText());
        assertEquals(0x2000, pt.get("range").asLong());
        assertTrue(r.err().contains("4 events: 4 ok, 0 error, 0 duplicate, 0 bad_event"), r.err());
    }

    @Test
    void badLinesAreReportedWithTheirLineNumberAndCounted() throws IOException {
        Run r =
                replay(
                        "# comment\n\n"
                                + OPEN
                                + """
                {"device":"d1","seq":4,"type":"no_such_type"}
                {"device":"d1","seq":5,"type":"vm_bind","file":1,"queue":1,"ops":[{"op":"map","bo":7,"iova":"0x1g","range":4096}]}
                {oops
                {"device":"d1","seq":6,"type":"vmap","bo":7}
                """);
        assertEquals(0, r.exit());
        assertEquals(7, r.lines().size());
        assertEquals(6, r.lines().get(3).get("line").asLong());
        assertEquals("bad_event", r.lines().get(3).get("status").asText());
        assertTrue(r.lines().get(3).get("reason").asText().contains("no_such_type"));
        assertEquals("bad_event", r.lines().get(4).get("status").asText());
        assertTrue(r.lines().get(4).get("reason").asText().contains("iova"));
        assertEquals(8, r.lines().get(5).get("line").asLong());
        assertEquals("ok", r.lines().get(6).get("status").asText());
        assertTrue(r.err().contains("7 events: 4 ok, 0 error, 0 duplicate, 3 bad_event"), r.err());
    }

    @Test
    void errorsCarryErrnoAndChangeNothing() throws IOException {
        Run r =
                replay(
                        OPEN
                                + """
                {"device":"d1","seq":4,"type":"vm_bind","file":1,"queue":0,"ops":[{"op":"map","bo":7,"iova":"0x100000000","range":"0x1000"}]}
                {"device":"d1","seq":5,"type":"vm_bind","file":1,"queue":9,"ops":[]}
                {"device":"d1","seq":6,"type":"vm_bind","file":1,"queue":1,"ops":[{"op":"map","bo":7,"iova":"0xfffffffffffff000","range":"0x2000"}]}
                {"device":"d1","seq":6,"type":"vmap","bo":7}
                """,
                        "--state");
        assertEquals("EINVAL", r.lines().get(3).get("errno").asText());
        assertEquals("ENOENT", r.lines().get(4).get("errno").asText());
        assertEquals("EINVAL", r.lines().get(5).get("errno").asText());
        assertEquals("duplicate", r.lines().get(6).get("status").asText());
        JsonNode vm = r.lines().get(7);
        assertEquals("vm", vm.get("state").asText());
        assertEquals(0, vm.get("vas").size());
        assertEquals(0, vm.get("pagetable").get("ptes").asLong());
        JsonNode bo = r.lines().get(8);
        assertEquals("bo", bo.get("state").asText());
        assertEquals(0, bo.get("vmaps").asLong());
    }

    @Test
    void alertsFollowTheOutcomesWhenAsked() throws IOException {
        String trace =
                OPEN
                        + """
                {"device":"d1","seq":4,"type":"vm_bind","file":1,"queue":1,"ops":[{"op":"map","bo":7,"iova":"0x100000000","range":"0x1000"}]}
                {"device":"d1","seq":5,"type":"file_close","file":1}
                """;
        Run plain = replay(trace);
        Run withAlerts = replay(trace, "--alerts");
        assertEquals(5, plain.lines().size(), "no alert lines unless asked");
        assertEquals(plain.lines(), withAlerts.lines().subList(0, 5), "outcomes unchanged");
        assertEquals(6, withAlerts.lines().size());
        JsonNode alert = withAlerts.lines().get(5);
        assertEquals("mappings_at_close", alert.get("rule").asText());
        assertEquals(1, alert.get("vm").asLong());
        assertEquals(5, alert.get("seq").asLong());
    }

    @Test
    void stateListsDevicesThenVmsThenBosInAscendingOrder() throws IOException {
        Run r =
                replay(
                        """
                {"device":"b","seq":1,"type":"file_open","file":2}
                {"device":"a","seq":1,"type":"file_open","file":3}
                {"device":"a","seq":2,"type":"kms_vm","va_start":4096,"va_size":"0x100000000"}
                {"device":"a","seq":3,"type":"bo_new","file":3,"bo":9,"size":4096}
                {"device":"a","seq":4,"type":"bo_new","file":3,"bo":2,"size":4096}
                """,
                        "--state");
        List<String> order = new ArrayList<>();
        for (JsonNode n : r.lines().subList(5, r.lines().size())) {
            order.add(
                    n.get("device").asText()
                            + ":"
                            + n.get("state").asText()
                            + ":"
                            + (n.has("vm") ? n.get("vm").asText() : n.get("bo").asText()));
        }
        assertEquals(List.of("a:vm:0", "a:vm:3", "a:bo:2", "a:bo:9", "b:vm:2"), order);
        assertEquals("kms", r.lines().get(5).get("mode").asText());
        assertEquals("managed", r.lines().get(6).get("mode").asText());
    }

    @Test
    void unreadableInputAndBadArgumentsExitWith2() throws IOException {
        Run missing = run("replay", "--input", dir.resolve("missing.jsonl").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(2, run("replay").exit());
        Run bare = run();
        assertEquals(2, bare.exit());
        assertTrue(bare.err().contains("replay"), bare.err());
        assertEquals(0, run("--help").exit());
        assertEquals(2, run("replay", "--input", "x", "--vm-log-shift", "-1").exit());
    }

    @Test
    void absentTimestampsTakeTheDevicesPreviousTime() throws IOException {
        Run r =
                replay(
                        """
                {"device":"d1","seq":1,"ts":"2026-01-02T03:04:05Z","type":"file_open","file":1}
                {"device":"d1","seq":2,"type":"file_close","file":1}
                {"device":"d2","seq":1,"type":"file_open","file":1}
                """);
        assertEquals(1767323045000000L, r.lines().get(1).get("ts").asLong());
        assertEquals(0, r.lines().get(2).get("ts").asLong());
    }
}
