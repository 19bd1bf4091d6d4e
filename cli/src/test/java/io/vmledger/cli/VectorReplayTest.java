package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every shared gpuvm vector, written as a JSON trace and run through {@code vmledger replay}:
 * the printed steps, page-table ops, prealloc count and final VAs equal the vector's. This
 * checks the whole chain (JSON → Avro → domain → fold → Avro → JSON), not just the core.
 */
class VectorReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> BO = Map.of("a", 1, "b", 2, "c", 3);

    @TempDir
    Path dir;

    static Stream<JsonNode> vectors() throws IOException {
        Path dirUp = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dirUp.resolve("shared/spec/gpuvm-vectors.jsonl"))) {
            dirUp = dirUp.getParent();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dirUp.resolve("shared/spec/gpuvm-vectors.jsonl"))) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("vectors")
    void replayPrintsTheVectorsSteps(JsonNode v) throws IOException {
        StringBuilder trace = new StringBuilder();
        int[] seq = {0};
        line(trace, seq, "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true");
        line(trace, seq, "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true");
        v.get("objects").fields().forEachRemaining(o -> line(trace, seq,
                "\"type\":\"bo_new\",\"file\":1,\"bo\":" + BO.get(o.getKey()) + ",\"size\":" + o.getValue().get("size")));
        for (JsonNode e : v.get("existing")) {
            bind(trace, seq, e.get("obj").isNull() ? "map_null" : "map", e, e.path("dump").asBoolean(false));
        }
        JsonNode req = v.get("request");
        String op = switch (v.get("msm").get("bind_op").asText()) {
            case "MAP" -> "map";
            case "MAP_NULL" -> "map_null";
            default -> "unmap";
        };
        bind(trace, seq, op, req, req.path("dump").asBoolean(false));
        Path f = dir.resolve("v.jsonl");
        Files.writeString(f, trace);

        StringWriter out = new StringWriter();
        CommandLine cli = Vmledger.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cli.execute("replay", "--input", f.toString(), "--state"));
        String[] lines = out.toString().split("\n");
        JsonNode outcome = JSON.readTree(lines[seq[0] - 1]);
        JsonNode vm = JSON.readTree(lines[seq[0]]);
        String name = v.get("name").asText();

        assertEquals("ok", outcome.get("status").asText(), name + ": " + outcome);
        JsonNode op0 = outcome.get("ops").get(0);
        assertEquals(normalize(v.get("expect_steps"), false), normalize(op0.get("steps"), false), name + " steps");
        assertEquals(normalize(v.get("msm").get("expect_vm_ops"), false), normalize(op0.get("pt"), false), name + " pt");
        assertEquals(v.get("msm").get("expect_prealloc_pages").asLong(), outcome.get("prealloc_pages").asLong(), name);
        JsonNode after = v.get("msm").get("expect_after");
        boolean dump = after.toString().contains("dump");
        assertEquals(normalize(after, dump), normalize(vm.get("vas"), dump), name + " final VAs");
    }

    private static void line(StringBuilder trace, int[] seq, String body) {
        trace.append("{\"device\":\"v\",\"seq\":").append(++seq[0]).append(',').append(body).append("}\n");
    }

    private static void bind(StringBuilder trace, int[] seq, String op, JsonNode va, boolean dump) {
        String bo = va.hasNonNull("obj") ? String.valueOf(BO.get(va.get("obj").asText())) : "null";
        line(trace, seq, "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"" + op + "\",\"bo\":" + bo
                + ",\"obj_offset\":" + va.path("offset").asLong(0) + ",\"iova\":" + va.get("addr").asLong()
                + ",\"range\":" + va.get("range").asLong() + ",\"dump\":" + dump + "}]");
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
        n.fields().forEachRemaining(f -> {
            switch (f.getKey()) {
                case "obj" -> o.put("bo", f.getValue().isNull() ? null : BO.get(f.getValue().asText()));
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
