package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.CoredumpEncoder;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.tools.coredump.DevcoredumpWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger coredumps} end to end on a real (embedded) broker: the engine folds a trace with
 * a use-after-unmap fault and a hang, and the command writes one file per dump whose text equals
 * the in-memory capture's; a second run writes the same files again.
 */
class CoredumpsCommandIT {
    private static final List<String> TRACE =
            List.of(
                    "{\"device\":\"e2e\",\"seq\":1,\"ts\":1767225600000000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}",
                    "{\"device\":\"e2e\",\"seq\":2,\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true}",
                    "{\"device\":\"e2e\",\"seq\":3,\"type\":\"bo_new\",\"file\":1,\"bo\":3,\"size\":\"0x8000\",\"name\":\"ssbo\"}",
                    "{\"device\":\"e2e\",\"seq\":4,\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":3,"
                            + "\"iova\":\"0x100000000\",\"range\":\"0x8000\"}]}",
                    "{\"device\":\"e2e\",\"seq\":5,\"ts\":1767225601000000,\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":["
                            + "{\"op\":\"unmap\",\"iova\":\"0x100000000\",\"range\":\"0x8000\"}]}",
                    "{\"device\":\"e2e\",\"seq\":6,\"ts\":1767225602000000,\"type\":\"gpu_fault\",\"file\":1,\"iova\":\"0x100004000\","
                            + "\"dir\":\"write\",\"fault_type\":\"TRANSLATION\",\"source\":\"CP\"}",
                    "{\"device\":\"e2e-b\",\"seq\":1,\"ts\":1767225600000000,\"type\":\"file_open\",\"file\":2,\"vm_bind\":true}",
                    "{\"device\":\"e2e-b\",\"seq\":2,\"ts\":1767225603000000,\"type\":\"gpu_hang\",\"file\":2}");

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void theEnginesDumpsAreWrittenOneFilePerDump() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, TRACE);
        Path out = dir.resolve("dumps");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0)) {
            String bootstrap = broker.bootstrapServers();
            CliRun engine =
                    run(
                            "engine",
                            "--bootstrap",
                            bootstrap,
                            "--feed",
                            trace.toString(),
                            "--print-ledger",
                            "--exit-after-feed",
                            "--http",
                            "127.0.0.1:0",
                            "--partitions",
                            "2",
                            "--state-dir",
                            dir.resolve("state").toString());
            assertEquals(0, engine.exit(), engine.err());

            CliRun first = run("coredumps", "--bootstrap", bootstrap, "--out", out.toString());
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.err().contains("2 dumps written"), first.err());
            Map<String, String> expected = expected();
            assertEquals(
                    expected.keySet(),
                    Files.list(out)
                            .map(p -> p.getFileName().toString())
                            .collect(
                                    java.util.stream.Collectors.toCollection(
                                            java.util.TreeSet::new)));
            for (Map.Entry<String, String> e : expected.entrySet()) {
                assertEquals(e.getValue(), Files.readString(out.resolve(e.getKey())), e.getKey());
                assertTrue(first.out().contains(out.resolve(e.getKey()).toString()), first.out());
            }

            CliRun again =
                    run(
                            "coredumps",
                            "--bootstrap",
                            bootstrap,
                            "--out",
                            out.toString(),
                            "--device",
                            "e2e");
            assertEquals(0, again.exit(), again.err());
            assertEquals(out.resolve("e2e-6-fault.devcore") + "\n", again.out());
            assertEquals(2, Files.list(out).count(), "same names: nothing new");
        }
    }

    @Test
    void withoutOutItIsAUsageError() {
        CliRun r = run("coredumps");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--out"), r.err());
    }

    /** File name → text, from the in-memory fold. */
    private static Map<String, String> expected() throws Exception {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        Map<String, String> out = new TreeMap<>();
        for (String line : TRACE) {
            VmEvent e = TraceJson.parse(line);
            Applied a = ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e));
            if (a.crash() != null) {
                Coredump c = CoredumpEncoder.encode(a.crash());
                out.put(DevcoredumpWriter.fileName(c), DevcoredumpWriter.write(c));
            }
        }
        assertEquals(2, out.size());
        return out;
    }
}
