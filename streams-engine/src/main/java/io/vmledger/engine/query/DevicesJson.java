package io.vmledger.engine.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.schema.json.JsonOut;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code GET /devices} body: {@code {"devices":[{"device","last_seq","last_ts"}...]}}, written
 * and read back.
 */
final class DevicesJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DevicesJson() {}

    static String format(Map<String, DeviceRecord> devices) {
        StringBuilder b = new StringBuilder(64 + devices.size() * 64);
        b.append("{\"devices\":[");
        boolean first = true;
        for (Map.Entry<String, DeviceRecord> e : devices.entrySet()) {
            b.append(first ? "" : ",").append("{\"device\":");
            JsonOut.string(b, e.getKey());
            b.append(",\"last_seq\":");
            JsonOut.u64(b, e.getValue().lastSeq());
            b.append(",\"last_ts\":");
            JsonOut.u64(b, e.getValue().lastTs());
            b.append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    static Map<String, DeviceRecord> parse(String body) {
        try {
            Map<String, DeviceRecord> out = new LinkedHashMap<>();
            for (JsonNode d : JSON.readTree(body).path("devices")) {
                out.put(
                        d.get("device").asText(),
                        new DeviceRecord(
                                Long.parseUnsignedLong(d.get("last_seq").asText()),
                                Long.parseUnsignedLong(d.get("last_ts").asText())));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new Unavailable("unreadable answer from another instance: " + e.getMessage());
        }
    }
}
