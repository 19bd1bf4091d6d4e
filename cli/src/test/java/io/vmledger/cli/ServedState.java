package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.DeviceSummary;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.engine.ReplayReference;
import io.vmledger.schema.json.StateJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an engine serves over HTTP held against {@code replay --state}: every VM (page-table counts
 * and VM log included), every VA, every BO and each summary of every device, as the in-memory fold
 * holds them.
 */
final class ServedState {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;
    private final Duration wait;

    /**
     * @param port the query port of any instance (queries are routed to the device's owner)
     * @param wait how long a query may answer 503 (rebalancing, restoring) before it fails
     */
    ServedState(int port, Duration wait) {
        this.port = port;
        this.wait = wait;
    }

    /** Asserts that every device of {@code ref} is served as its replay state. */
    void assertMatches(ReplayReference ref) throws Exception {
        for (Map.Entry<String, DeviceQueries> d : ref.ledger().devices().entrySet()) {
            assertServed(d.getKey(), d.getValue());
        }
    }

    /**
     * Asserts that the engine serves {@code device}'s VMs, VAs, BOs and summary as {@code expected}
     * holds them.
     */
    void assertServed(String device, DeviceQueries expected) throws Exception {
        String base = "/devices/" + device;
        JsonNode vms = json.readTree(get(base + "/vms"));
        assertEquals(device, vms.get("device").asText(), base + "/vms");
        List<VmView> views = expected.vmsWithoutVas();
        assertEquals(
                json.readTree(
                        views.stream()
                                .map(v -> StateJson.vm(device, v, false))
                                .collect(Collectors.joining(",", "[", "]"))),
                vms.get("vms"),
                base + "/vms");
        for (VmView v : views) {
            String path = base + "/vms/" + Long.toUnsignedString(v.vm().vm()) + "/vas";
            StringBuilder vas = new StringBuilder();
            StateJson.vas(vas, expected.vas(v.vm().vm(), 0, -1));
            assertEquals(json.readTree(vas.toString()), json.readTree(get(path)).get("vas"), path);
        }
        for (BoRecord bo : expected.bos()) {
            String path = base + "/bos/" + Long.toUnsignedString(bo.bo());
            assertEquals(StateJson.bo(device, bo), get(path), path);
        }
        JsonNode summary = json.readTree(get(base + "/summary"));
        DeviceSummary s = expected.summary();
        assertEquals(
                List.of(
                        expected.device().lastSeq(),
                        s.bos(),
                        s.total(),
                        s.shared(),
                        s.resident(),
                        s.purgeable()),
                List.of("last_seq", "bos", "total", "shared", "resident", "purgeable").stream()
                        .map(f -> summary.get(f).asLong())
                        .toList(),
                base + "/summary");
    }

    /**
     * The body of a 200 answer to {@code path}, asking again while the engine answers 503
     * (rebalancing, restoring).
     */
    String get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        long deadline = System.nanoTime() + wait.toNanos();
        HttpResponse<String> r;
        do {
            r =
                    http.send(
                            HttpRequest.newBuilder(uri).timeout(wait).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 503) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }
}
