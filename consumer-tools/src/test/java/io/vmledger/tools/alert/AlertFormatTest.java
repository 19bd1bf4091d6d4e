package io.vmledger.tools.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.schema.Alert;
import io.vmledger.schema.Severity;
import io.vmledger.schema.wire.Wire;
import org.junit.jupiter.api.Test;

/** The alert's table row and JSON line, after a round trip through the wire form. */
class AlertFormatTest {
    private static final long T0 = 1_767_225_600_000_000L;

    private static Alert alert(Long vm, Long bo, String evidence) throws Exception {
        Alert a =
                Alert.newBuilder()
                        .setRule("pin_leak")
                        .setSeverity(Severity.warning)
                        .setDevice("phone-\"1\"")
                        .setVm(vm)
                        .setBo(bo)
                        .setEvidence(evidence)
                        .setValue(31_000_000)
                        .setLimit(30_000_000)
                        .setBytes(4096)
                        .setFirstSeen(T0)
                        .setRaised(T0 + 31_000_001)
                        .setSeq(-1L)
                        .build();
        return Wire.alert(Wire.alert(a));
    }

    @Test
    void aRowHasTheTimeInUtcWithMicrosecondsAndDashesForAbsentIds() throws Exception {
        String row = AlertFormat.row(alert(null, -1L, "BO pinned"));
        assertTrue(row.startsWith("2026-01-01T00:00:31.000001Z warning  pin_leak "), row);
        assertTrue(row.matches(".* +- +18446744073709551615 +BO pinned"), row);
        assertEquals(
                AlertFormat.HEADER.indexOf("EVIDENCE"),
                row.indexOf("BO pinned"),
                "columns line up");
    }

    @Test
    void aJsonLineCarriesEveryFieldAndEscapesStrings() throws Exception {
        JsonNode j = new ObjectMapper().readTree(AlertFormat.json(alert(0L, null, "fb \"9\"\n")));
        assertEquals("2026-01-01T00:00:31.000001Z", j.get("time").asText());
        assertEquals("warning", j.get("severity").asText());
        assertEquals("pin_leak", j.get("rule").asText());
        assertEquals("phone-\"1\"", j.get("device").asText());
        assertEquals(0, j.get("vm").asLong());
        assertTrue(j.get("bo").isNull());
        assertEquals("fb \"9\"\n", j.get("evidence").asText());
        assertEquals(31_000_000, j.get("value").asLong());
        assertEquals(30_000_000, j.get("limit").asLong());
        assertEquals(4096, j.get("bytes").asLong());
        assertEquals(T0, j.get("first_seen").asLong());
        assertEquals(T0 + 31_000_001, j.get("raised").asLong());
        assertEquals("18446744073709551615", j.get("seq").asText());
    }
}
