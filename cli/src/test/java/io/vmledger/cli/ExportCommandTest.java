package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code vmledger export --perfetto}: the trace is one valid JSON document in the trace-event
 * format, with a named process per device, a named track per VM and file, a slice per ledger entry
 * carrying the replay outcome as args, counters that follow the fold, and instants for faults; and
 * on seeded fleets, every VM's last mapped_bytes counter and each device's last live_bo_bytes equal
 * what {@code replay --state} shows at the end.
 */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FAULTY =
            String.join(
                    "\n",
                    "{\"device\":\"gpu-a\",\"seq\":1,\"ts\":1000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}",
                    "{\"device\":\"gpu-a\",\"seq\":2,\"ts\":1001,\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true}",
                    "{\"device\":\"gpu-a\",\"seq\":3,\"ts\":1002,\"type\":\"bo_new\",\"file\":1,\"bo\":7,\"size\":\"0x10000\"}",
                    "{\"device\":\"gpu-a\",\"seq\":4,\"ts\":1003,\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":\"0x4000\"}]}",
                    "{\"device\":\"gpu-a\",\"seq\":5,\"ts\":1004,\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"unmap\",\"iova\":\"0x100001000\",\"range\":\"0x1000\"}]}",
                    "not json",
                    "{\"device\":\"gpu-a\",\"seq\":6,\"ts\":1005,\"type\":\"gpu_fault\",\"file\":1,\"iova\":\"0x100001000\",\"dir\":\"read\",\"fault_type\":\"translation\"}",
                    "{\"device\":\"gpu-b\",\"seq\":1,\"ts\":2000,\"type\":\"file_open\",\"file\":3,\"vm_bind\":true}",
                    "{\"device\":\"gpu-b\",\"seq\":2,\"ts\":2001,\"type\":\"vm_bind\",\"file\":3,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":9,\"iova\":\"0x100000000\",\"range\":\"0x1000\"}]}",
                    "");

    @TempDir Path dir;

    @Test
    void exportsDevicesTracksSlicesCountersAndFaults() throws IOException {
        Path trace = dir.resolve("faulty.jsonl");
        Files.writeString(trace, FAULTY);
        CliRun run = CliRun.of("export", "--perfetto", trace.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(
                run.err().contains("9 events: 7 ok, 1 error, 0 duplicate, 1 bad_event"), run.err());
        List<JsonNode> events = traceEvents(run.out());

        Map<Long, String> processes = new HashMap<>();
        Map<Long, String> threads = new HashMap<>();
        for (JsonNode e : events) {
            if (e.path("ph").asText().equals("M")) {
                String name = e.path("args").path("name").asText();
                if (e.path("name").asText().equals("process_name")) {
                    processes.put(e.path("pid").asLong(), name);
                } else {
                    threads.put(e.path("tid").asLong(), name);
                }
            }
        }
        assertEquals(
                List.of("gpu-a", "gpu-b"),
                List.copyOf(new java.util.TreeMap<>(processes).values()));
        assertTrue(threads.containsValue("vm 1 (file 1)"), threads.toString());
        assertTrue(threads.containsValue("file 1"), threads.toString());
        assertTrue(threads.containsValue("vm 3 (file 3)"), threads.toString());

        List<JsonNode> binds = of(events, "X", "vm_bind");
        assertEquals(2, binds.size());
        JsonNode map = binds.get(0);
        assertEquals("vm 1 (file 1)", threads.get(map.path("tid").asLong()));
        assertEquals(1003, map.path("ts").asLong());
        assertEquals("ok", map.path("cat").asText());
        JsonNode step = map.path("args").path("ops").path(0).path("steps").path(0);
        assertEquals("map", step.path("step").asText());
        assertEquals(0x4000, step.path("va").path("range").asLong());
        assertEquals(
                "remap",
                binds.get(1)
                        .path("args")
                        .path("ops")
                        .path(0)
                        .path("steps")
                        .path(0)
                        .path("step")
                        .asText());
        JsonNode failed =
                of(events, "X", "vm_bind ENOENT").isEmpty()
                        ? of(events, "X", "vm_bind EINVAL").get(0)
                        : of(events, "X", "vm_bind ENOENT").get(0);
        assertEquals("error", failed.path("cat").asText());

        List<JsonNode> faults = of(events, "i", "gpu_fault");
        assertEquals(1, faults.size());
        assertEquals(1005, faults.get(0).path("ts").asLong());
        assertEquals("vm 1 (file 1)", threads.get(faults.get(0).path("tid").asLong()));
        assertFalse(of(events, "i", "coredump").isEmpty(), "the fault's coredump is an instant");

        long pidA = pidOf(processes, "gpu-a");
        List<Long> mapped = new ArrayList<>();
        for (JsonNode c : of(events, "C", "vm 1 (file 1)")) {
            if (c.path("pid").asLong() == pidA) {
                mapped.add(c.path("args").path("mapped_bytes").asLong());
            }
        }
        assertEquals(List.of(0x4000L, 0x3000L), mapped);
        List<Long> live = new ArrayList<>();
        for (JsonNode c : of(events, "C", "device")) {
            if (c.path("pid").asLong() == pidA) {
                live.add(c.path("args").path("live_bo_bytes").asLong());
            }
        }
        assertEquals(List.of(0L, 0x10000L), live);
    }

    @Test
    void keepsOnlyTheDeviceAndWindowAsked() throws IOException {
        Path trace = dir.resolve("faulty.jsonl");
        Files.writeString(trace, FAULTY);
        Path out = dir.resolve("out.json");
        CliRun run =
                CliRun.of(
                        "export",
                        "--perfetto",
                        "--device",
                        "gpu-a",
                        "--from",
                        "1003",
                        "--to",
                        "1005",
                        "-o",
                        out.toString(),
                        trace.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.out());
        List<JsonNode> events = traceEvents(Files.readString(out));
        List<Long> seqs = new ArrayList<>();
        for (JsonNode e : events) {
            assertTrue(
                    e.path("ph").asText().equals("M") || e.path("pid").asLong() == 1, e.toString());
            if (e.path("ph").asText().equals("X")) {
                seqs.add(e.path("args").path("seq").asLong());
            }
        }
        assertEquals(List.of(4L, 5L), seqs);
        JsonNode first = of(events, "C", "device").get(0);
        assertEquals(
                0x10000,
                first.path("args").path("live_bo_bytes").asLong(),
                "window starts at the level reached");
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        CliRun missing = CliRun.of("export", "--perfetto", dir.resolve("nope.jsonl").toString());
        assertEquals(2, missing.exit());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("vmledger export: cannot read"), missing.err());
        CliRun window = CliRun.of("export", "--perfetto", "--from", "5", "--to", "5", "x");
        assertEquals(2, window.exit());
        assertEquals("vmledger export: --to must be after --from", window.err().strip());
        CliRun time = CliRun.of("export", "--perfetto", "--from", "yesterday", "x");
        assertEquals(2, time.exit());
        assertTrue(time.err().startsWith("vmledger export: --from: "), time.err());
        assertEquals(2, CliRun.of("export", "x").exit(), "--perfetto is required");
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 11, 2026})
    void lastCountersEqualTheReplayedState(long seed) throws IOException {
        Path trace = dir.resolve("fleet.jsonl");
        CliRun sim =
                CliRun.of(
                        "simulate",
                        "--devices",
                        "4",
                        "--events",
                        "4000",
                        "--seed",
                        Long.toString(seed),
                        "--out",
                        trace.toString());
        assertEquals(0, sim.exit(), sim.err());
        CliRun export = CliRun.of("export", "--perfetto", "--quiet", trace.toString());
        assertEquals(0, export.exit(), export.err());
        Map<Long, String> processes = new HashMap<>();
        Map<String, Long> lastCounter = new HashMap<>();
        for (JsonNode e : traceEvents(export.out())) {
            if (e.path("ph").asText().equals("M")
                    && e.path("name").asText().equals("process_name")) {
                processes.put(e.path("pid").asLong(), e.path("args").path("name").asText());
            } else if (e.path("ph").asText().equals("C")) {
                String device = processes.get(e.path("pid").asLong());
                for (String key : List.of("mapped_bytes", "pt_pages", "live_bo_bytes")) {
                    JsonNode v = e.path("args").get(key);
                    if (v != null) {
                        lastCounter.put(
                                device + "|" + e.path("name").asText() + " " + key, v.asLong());
                    }
                }
            }
        }
        CliRun replay = CliRun.of("replay", "--quiet", "--state", "--input", trace.toString());
        assertEquals(0, replay.exit(), replay.err());
        Map<String, Long> liveBytes = new HashMap<>();
        int vms = 0;
        for (String line : replay.out().split("\n")) {
            JsonNode s = JSON.readTree(line);
            String device = s.path("device").asText();
            if (s.path("state").asText().equals("vm")) {
                long vm = s.path("vm").asLong();
                String name = vm == 0 ? "vm 0 (display)" : "vm " + vm + " (file " + vm + ")";
                JsonNode pt = s.path("pagetable");
                Long counted = lastCounter.get(device + "|" + name + " mapped_bytes");
                if (pt.path("ptes").asLong() > 0) {
                    assertNotNull(counted, device + " " + name);
                }
                assertEquals(
                        pt.path("ptes").asLong() * 4096,
                        counted == null ? 0 : counted,
                        device + " " + name);
                long pages =
                        pt.path("l1").asLong() + pt.path("l2").asLong() + pt.path("l3").asLong();
                Long countedPages = lastCounter.get(device + "|" + name + " pt_pages");
                assertEquals(pages, countedPages == null ? 0 : countedPages, device + " " + name);
                vms++;
            } else if (s.path("state").asText().equals("bo") && s.path("alive").asBoolean()) {
                liveBytes.merge(device, s.path("size").asLong(), Long::sum);
            }
        }
        assertTrue(vms > 4, "the fleet has VMs");
        for (Map.Entry<String, Long> d : liveBytes.entrySet()) {
            assertEquals(
                    d.getValue(),
                    lastCounter.get(d.getKey() + "|device live_bo_bytes"),
                    d.getKey());
        }
    }

    private static List<JsonNode> traceEvents(String text) throws IOException {
        JsonNode root = JSON.readTree(text);
        JsonNode events = root.path("traceEvents");
        assertTrue(events.isArray(), "a traceEvents array");
        List<JsonNode> out = new ArrayList<>();
        events.forEach(out::add);
        return out;
    }

    private static List<JsonNode> of(List<JsonNode> events, String ph, String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.path("ph").asText().equals(ph) && e.path("name").asText().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static long pidOf(Map<Long, String> processes, String device) {
        return processes.entrySet().stream()
                .filter(e -> e.getValue().equals(device))
                .findFirst()
                .orElseThrow()
                .getKey();
    }
}
