package io.vmledger.schema.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The records the fold applies, and the reason given for each it does not. */
class EventAdmissionTest {
    private static final byte[] KEY = "gpu0".getBytes(StandardCharsets.UTF_8);

    private static byte[] event(String line) throws Exception {
        return Wire.event(TraceJson.parse(line));
    }

    @Test
    void admitsAnEventKeyedByItsDevice() throws Exception {
        byte[] value =
                event("{\"device\":\"gpu0\",\"seq\":1,\"ts\":5,\"type\":\"file_open\",\"file\":1}");
        EventAdmission.Verdict v = EventAdmission.of(KEY, value);
        assertTrue(v.admitted(), v.reason());
        VmEvent e = v.wire();
        assertEquals("gpu0", e.getDevice());
        assertEquals(1L, e.getSeq());
    }

    @Test
    void refusesWhatTheEngineDeadLetters() throws Exception {
        byte[] good =
                event("{\"device\":\"gpu0\",\"seq\":1,\"ts\":5,\"type\":\"file_open\",\"file\":1}");
        assertReason("no value (tombstone)", EventAdmission.of(KEY, null));
        assertReason(
                "record key 'gpu1' is not the event's device 'gpu0'",
                EventAdmission.of("gpu1".getBytes(StandardCharsets.UTF_8), good));
        assertReason(
                "record key (none or not UTF-8) is not the event's device 'gpu0'",
                EventAdmission.of(new byte[] {(byte) 0xff}, good));
        assertStarts("undecodable event: ", EventAdmission.of(KEY, Arrays.copyOf(good, 5)));
        assertStarts(
                "event of " + (Topics.MAX_EVENT_BYTES + 1) + " bytes is over",
                EventAdmission.of(KEY, new byte[Topics.MAX_EVENT_BYTES + 1]));
        VmEvent seqZero =
                VmEvent.newBuilder(
                                TraceJson.parse(
                                        "{\"device\":\"gpu0\",\"seq\":1,\"ts\":5,\"type\":\"file_open\",\"file\":1}"))
                        .setSeq(0L)
                        .build();
        assertStarts("invalid event: ", EventAdmission.of(KEY, Wire.event(seqZero)));
    }

    private static void assertReason(String reason, EventAdmission.Verdict v) {
        assertFalse(v.admitted());
        assertEquals(reason, v.reason());
    }

    private static void assertStarts(String prefix, EventAdmission.Verdict v) {
        assertFalse(v.admitted());
        assertTrue(v.reason().startsWith(prefix), v.reason());
    }
}
