package io.vmledger.tools.coredump;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.CoredumpEncoder;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers: the coredumps a trace yields without Kafka (fold, capture, encode, through the wire
 * form and back, as the engine does), test resources, and the shared real dumps.
 */
final class Dumps {
    private Dumps() {}

    /** The golden dump scenarios: {@code <name>.jsonl} traces and their {@code <name>.devcore}. */
    static List<String> goldenScenarios() {
        return List.of(
                "fault-readonly",
                "use-after-unmap",
                "hang",
                "legacy-submit",
                "null-mapping",
                "legacy-unmap");
    }

    /** Every coredump the trace's events capture, in order. */
    static List<Coredump> of(List<String> traceLines) throws IOException {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        List<Coredump> out = new ArrayList<>();
        for (String line : traceLines) {
            VmEvent e = TraceJson.parse(line);
            Applied a = ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e));
            if (a.crash() != null) {
                out.add(Wire.coredump(Wire.coredump(CoredumpEncoder.encode(a.crash()))));
            }
        }
        return out;
    }

    /** A test resource as text. */
    static String resource(String name) throws IOException {
        try (InputStream in = Dumps.class.getResourceAsStream("/coredump/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource coredump/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A file of {@code ../shared/real-devcoredumps}, found by walking up from the working
     * directory.
     */
    static Path realDump(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("real-devcoredumps").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "shared/real-devcoredumps/"
                        + name
                        + " not found above "
                        + Path.of("").toAbsolutePath());
    }
}
