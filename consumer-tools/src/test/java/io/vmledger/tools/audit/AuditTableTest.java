package io.vmledger.tools.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.TraceJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit table on the entries the real fold writes for a small VM_BIND story: the VM column, the
 * WHAT column of an in-place remap (a DUMP toggle by an identical MAP, which queues no page-table
 * op) and of an UNMAP of nothing, and an address audit that lists only what touched the address.
 */
class AuditTableTest {
    private static final long T0 = 1_767_225_600_000_000L;
    private static final String[] STORY = {
        "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true",
        "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true",
        "\"type\":\"bo_new\",\"file\":1,\"bo\":7,\"size\":\"0x10000\"",
        "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":\"0x4000\"}]",
        "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":\"0x4000\",\"dump\":true}]",
        "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":\"0x4000\",\"dump\":true}]",
        "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"obj_offset\":\"0x8000\",\"iova\":\"0x100010000\",\"range\":\"0x1000\"},"
                + "{\"op\":\"unmap\",\"iova\":\"0x100001000\",\"range\":\"0x1000\"}]",
        "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"unmap\",\"iova\":\"0x100100000\",\"range\":\"0x1000\"}]",
        "\"type\":\"kms_vm\",\"va_start\":\"0x1000\",\"va_size\":\"0x100000000\"",
        "\"type\":\"file_close\",\"file\":1"
    };
    private static final Map<Long, LedgerAudit.Match> BY_SEQ = new LinkedHashMap<>();

    @BeforeAll
    static void fold() {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        for (int i = 0; i < STORY.length; i++) {
            VmEvent e =
                    TraceJson.parse(
                            "{\"device\":\"d\",\"seq\":"
                                    + (i + 1)
                                    + ",\"ts\":"
                                    + (T0 + i)
                                    + ","
                                    + STORY[i]
                                    + "}");
            BY_SEQ.put(
                    e.getSeq(),
                    new LedgerAudit.Match(
                            OutcomeEncoder.encode(
                                    ledger.apply(
                                                    e.getDevice(),
                                                    e.getSeq(),
                                                    e.getTs(),
                                                    EventDecoder.decode(e))
                                            .outcome()),
                            e));
        }
        BY_SEQ.values()
                .forEach(
                        m ->
                                assertEquals(
                                        "ok",
                                        m.entry().getStatus().toString(),
                                        m.entry().toString()));
    }

    @Test
    void everyColumnLinesUpUnderItsHeader() {
        String header = AuditTable.header();
        String row = new AuditTable(null).row(BY_SEQ.get(4L));
        assertEquals(
                List.of("TIME", "SEQ", "TYPE", "STATUS", "VM", "WHAT"),
                List.of(header.trim().split(" +")));
        assertTrue(row.startsWith("2026-01-01T00:00:00.000003Z"), row);
        assertEquals(header.indexOf("VM "), row.indexOf("1     map"), row);
        assertEquals(header.indexOf("WHAT"), row.indexOf("map 0x100000000+0x4000 bo 7"), row);
    }

    @Test
    void theVmColumnNamesTheVmsTheEntryTouched() {
        assertEquals("1", vm(4), "a vm_bind: its context's VM");
        assertEquals("-", vm(3), "bo_new touches no VM");
        assertEquals("0", vm(9), "kms_vm: the display VM");
        assertEquals("1", vm(10), "file_close: its VM");
    }

    @Test
    void anInPlaceRemapSaysWhatItDidToTheDumpFlag() {
        assertEquals("remap in place 0x100000000+0x4000 bo 7: dump off -> on", what(null, 5));
        assertEquals("remap in place 0x100000000+0x4000 bo 7: unchanged (dump on)", what(null, 6));
        assertEquals(
                "remap in place 0x100000000+0x4000 bo 7: dump off -> on", what(0x100003fffL, 5));
        assertEquals("(1 more at other addresses)", what(0x100004000L, 5));
    }

    @Test
    void anUnmapOfNothingSaysSo() {
        assertEquals("unmap 0x100100000+0x1000: nothing mapped there", what(null, 8));
    }

    @Test
    void anAddressAuditShowsOnlyWhatTouchedTheAddress() {
        assertEquals("map 0x100010000+0x1000 bo 7; unmap 0x100001000+0x1000", what(null, 7));
        assertEquals(
                "map 0x100010000+0x1000 bo 7 (1 more at other addresses)", what(0x100010000L, 7));
        assertEquals("unmap 0x100001000+0x1000 (1 more at other addresses)", what(0x100001fffL, 7));

        String all = what(null, 10);
        String one = what(0x100010000L, 10);
        assertTrue(
                all.contains("vma_torn_down bo 7 vm 1 0x100000000") && all.contains("0x100010000"),
                all);
        assertTrue(one.contains("vma_torn_down bo 7 vm 1 0x100010000"), one);
        assertFalse(one.contains("0x100000000") || one.contains("0x100002000"), one);
        assertTrue(
                one.contains("vm_closed vm 1") && one.endsWith(" more at other addresses)"), one);
    }

    private static String vm(long seq) {
        String row = new AuditTable(null).row(BY_SEQ.get(seq));
        return row.substring(
                        AuditTable.header().indexOf("VM "), AuditTable.header().indexOf("WHAT"))
                .trim();
    }

    private static String what(Long iova, long seq) {
        String row = new AuditTable(iova).row(BY_SEQ.get(seq));
        return row.substring(AuditTable.header().indexOf("WHAT"));
    }
}
