package io.vmledger.schema.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.io.IOException;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VmEvent schema change that added device_info, submit, submit_retired and the submit a fault
 * or hang names is compatible: events a previous vmledger wrote (encoded here with the previous
 * schema, kept as a resource) decode to the same events, new fields at their defaults; an event
 * type from a future vmledger is refused with a reason that says so.
 */
class PreviousSchemaTest {
    /** CRC-64-AVRO fingerprint of the previous schema: the kept copy must never be edited. */
    private static final long PREVIOUS_FINGERPRINT = fingerprintOfKeptCopy();

    private static long fingerprintOfKeptCopy() {
        return SchemaNormalization.parsingFingerprint64(SchemaEvolution.previous());
    }

    @Test
    void theKeptPreviousSchemaIsNotTodays() {
        assertTrue(
                PREVIOUS_FINGERPRINT != SchemaNormalization.parsingFingerprint64(VmEvent.SCHEMA$),
                "the kept copy is the schema before the crashdec change");
        assertTrue(SchemaEvolution.previous().toString().contains("\"GpuHang\""));
        assertTrue(!SchemaEvolution.previous().toString().contains("\"Submit\""));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"device\":\"d\",\"seq\":1,\"type\":\"file_open\",\"file\":2,\"vm_bind\":true}",
                "{\"device\":\"d\",\"seq\":2,\"ts\":5,\"type\":\"bo_new\",\"file\":2,\"bo\":7,"
                        + "\"size\":4096,\"name\":\"tex\"}",
                "{\"device\":\"d\",\"seq\":3,\"type\":\"vm_bind\",\"file\":2,\"queue\":1,\"ops\":"
                        + "[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":4096,"
                        + "\"dump\":true},{\"op\":\"map_null\",\"iova\":\"0x100100000\",\"range\":4096}]}",
                "{\"device\":\"d\",\"seq\":4,\"type\":\"gpu_fault\",\"file\":2,\"iova\":16,"
                        + "\"dir\":\"write\",\"fault_type\":\"TRANSLATION\",\"source\":\"TP\"}",
                "{\"device\":\"d\",\"seq\":5,\"type\":\"gpu_hang\",\"file\":2}",
                "{\"device\":\"d\",\"seq\":6,\"type\":\"fb_prepare\",\"fb\":1,\"bos\":[7]}",
                "{\"device\":\"d\",\"seq\":7,\"type\":\"madvise\",\"bo\":7,\"madv\":\"dontneed\"}"
            })
    void anEventThePreviousSchemaWroteDecodesToTheSameEvent(String line) throws Exception {
        VmEvent today = TraceJson.parse(line);
        byte[] old = SchemaEvolution.encodedWithPrevious(today);
        assertEquals(
                PREVIOUS_FINGERPRINT,
                java.nio.ByteBuffer.wrap(old, 2, 8)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getLong(),
                "written with the previous schema");
        assertEquals(today, Wire.event(old));
    }

    @Test
    void anEventTypeFromAFutureVersionIsRefusedWithAReasonThatSaysSo() {
        IOException e =
                assertThrows(
                        IOException.class, () -> Wire.event(SchemaEvolution.futureEvent("d", 1)));
        assertTrue(e.getMessage().contains("unknown VmEvent writer schema"), e.getMessage());
        assertTrue(e.getMessage().contains("newer vmledger"), e.getMessage());
    }
}
