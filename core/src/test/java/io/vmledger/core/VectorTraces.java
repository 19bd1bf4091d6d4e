package io.vmledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shared gpuvm vectors ({@code gpuvm-vectors.jsonl}) as JSON traces: a VM_BIND file and queue,
 * the vector's BOs, its existing VAs as MAP/MAP_NULL binds, then its request as the last event.
 */
public final class VectorTraces {
    /** BO ids of the vectors' object names. */
    public static final Map<String, Integer> BO = Map.of("a", 1, "b", 2, "c", 3);

    private static final ObjectMapper JSON = new ObjectMapper();

    private VectorTraces() {}

    /** Every vector, in file order. */
    public static List<JsonNode> vectors() {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String l : Files.readAllLines(SpecFiles.spec("gpuvm-vectors.jsonl"))) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The trace of vector {@code v} for {@code device}, one JSON line per event; the request is the
     * last line.
     */
    public static List<String> trace(JsonNode v, String device) {
        List<String> out = new ArrayList<>();
        line(out, device, "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true");
        line(out, device, "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true");
        v.get("objects")
                .properties()
                .forEach(
                        o ->
                                line(
                                        out,
                                        device,
                                        "\"type\":\"bo_new\",\"file\":1,\"bo\":"
                                                + BO.get(o.getKey())
                                                + ",\"size\":"
                                                + o.getValue().get("size")));
        for (JsonNode e : v.get("existing")) {
            bind(
                    out,
                    device,
                    e.get("obj").isNull() ? "map_null" : "map",
                    e,
                    e.path("dump").asBoolean(false));
        }
        JsonNode req = v.get("request");
        String op =
                switch (v.get("msm").get("bind_op").asText()) {
                    case "MAP" -> "map";
                    case "MAP_NULL" -> "map_null";
                    default -> "unmap";
                };
        bind(out, device, op, req, req.path("dump").asBoolean(false));
        return out;
    }

    private static void line(List<String> out, String device, String body) {
        out.add("{\"device\":\"" + device + "\",\"seq\":" + (out.size() + 1) + "," + body + "}");
    }

    private static void bind(
            List<String> out, String device, String op, JsonNode va, boolean dump) {
        String bo = va.hasNonNull("obj") ? String.valueOf(BO.get(va.get("obj").asText())) : "null";
        line(
                out,
                device,
                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\""
                        + op
                        + "\",\"bo\":"
                        + bo
                        + ",\"obj_offset\":"
                        + va.path("offset").asLong(0)
                        + ",\"iova\":"
                        + va.get("addr").asLong()
                        + ",\"range\":"
                        + va.get("range").asLong()
                        + ",\"dump\":"
                        + dump
                        + "}]");
    }
}
