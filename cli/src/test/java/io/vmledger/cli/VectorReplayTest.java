package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmledger.core.VectorTraces;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every shared gpuvm vector, written as a JSON trace and run through {@code vmledger replay}: the
 * printed steps, page-table ops, prealloc count and final VAs equal the vector's. This checks the
 * whole chain (JSON → Avro → domain → fold → Avro → JSON), not just the core.
 */
class VectorReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> BO = VectorTraces.BO;

    @TempDir Path dir;

    static Stream<JsonNode> vectors() {
        return VectorTraces.vectors().stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("vectors")
    void replayPrintsTheVectorsSteps(JsonNode v) throws IOException {
        List<String> trace = VectorTraces.trace(v, "v");
        int requestLine = trace.size();
        Path f = dir.resolve("v.jsonl");
        Files.write(f, trace);

        StringWriter out = new StringWriter();
        CommandLine cli = Vmledger.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cli.execute("replay", "--input", f.toString(), "--state"));
        String[] lines = out.toString().split("\n");
        JsonNode outcome = JSON.readTree(lines[requestLine - 1]);
        JsonNode vm = JSON.readTree(lines[requestLine]);
        String name = v.get("name").asText();

        assertEquals("ok", outcome.get("status").asText(), name + ": " + outcome);
        JsonNode op0 = outcome.get("ops").get(0);
        assertEquals(
                normalize(v.get("expect_steps"), false),
                normalize(op0.get("steps"), false),
                name + " steps");
        assertEquals(
                normalize(v.get("msm").get("expect_vm_ops"), false),
                normalize(op0.get("pt"), false),
                name + " pt");
        assertEquals(
                v.get("msm").get("expect_prealloc_pages").asLong(),
                outcome.get("prealloc_pages").asLong(),
                name);
        JsonNode after = v.get("msm").get("expect_after");
        boolean dump = after.toString().contains("dump");
        assertEquals(normalize(after, dump), normalize(vm.get("vas"), dump), name + " final VAs");
    }

    /** Vector form ({@code obj: "a"}) and printed form ({@code bo: 1}) as one comparable tree. */
    private static JsonNode normalize(JsonNode n, boolean keepDump) {
        if (n.isArray()) {
            ArrayNode a = JSON.createArrayNode();
            n.forEach(x -> a.add(normalize(x, keepDump)));
            return a;
        }
        if (!n.isObject()) {
            return n;
        }
        ObjectNode o = JSON.createObjectNode();
        n.properties()
                .forEach(
                        f -> {
                            switch (f.getKey()) {
                                case "obj" ->
                                        o.put(
                                                "bo",
                                                f.getValue().isNull()
                                                        ? null
                                                        : BO.get(f.getValue().asText()));
                                case "dump" -> {
                                    if (keepDump) {
                                        o.put("dump", f.getValue().asBoolean());
                                    }
                                }
                                default -> o.set(f.getKey(), normalize(f.getValue(), keepDump));
                            }
                        });
        return o;
    }
}
