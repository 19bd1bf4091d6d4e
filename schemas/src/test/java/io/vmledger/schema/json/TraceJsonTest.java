package io.vmledger.schema.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.schema.BoNew;
import io.vmledger.schema.DmabufExport;
import io.vmledger.schema.DmabufImport;
import io.vmledger.schema.DmabufRelease;
import io.vmledger.schema.FaultDir;
import io.vmledger.schema.FbCleanup;
import io.vmledger.schema.FbPrepare;
import io.vmledger.schema.FileClose;
import io.vmledger.schema.FileOpen;
import io.vmledger.schema.GetIova;
import io.vmledger.schema.GpuFault;
import io.vmledger.schema.GpuHang;
import io.vmledger.schema.HandleClose;
import io.vmledger.schema.HandleOpen;
import io.vmledger.schema.KmsVm;
import io.vmledger.schema.Madv;
import io.vmledger.schema.Madvise;
import io.vmledger.schema.SetName;
import io.vmledger.schema.SubmitqueueClose;
import io.vmledger.schema.SubmitqueueNew;
import io.vmledger.schema.VmBind;
import io.vmledger.schema.VmBindOp;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.Vmap;
import io.vmledger.schema.Vunmap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TraceJsonTest {

    private static final long U64_MAX = -1L; // 18446744073709551615
    private static final long TS = 1767323045123456L; // 2026-01-02T03:04:05.123456Z

    private static VmEvent event(long seq, Long ts, Object payload) {
        return new VmEvent("d1", seq, ts, payload);
    }

    private static String line(String rest) {
        return "{\"device\":\"d1\",\"seq\":1," + rest + "}";
    }

    private static VmBindOp op(
            long code, Long bo, long objOffset, long iova, long range, long flags) {
        return new VmBindOp(code, bo, objOffset, iova, range, flags);
    }

    static Stream<Arguments> everyType() {
        return Stream.of(
                Arguments.of(
                        line("\"type\":\"file_open\",\"file\":1"),
                        event(
                                1,
                                null,
                                new FileOpen(1L, false, 0x100000000L, 0xffff00000000L, true))),
                Arguments.of(
                        line(
                                "\"type\":\"file_open\",\"file\":\"0x2\",\"vm_bind\":true,\"va_start\":\"0X1000\","
                                        + "\"va_size\":\"18446744073709547520\",\"prr\":false"),
                        event(
                                1,
                                null,
                                new FileOpen(2L, true, 0x1000L, 0xfffffffffffff000L, false))),
                Arguments.of(
                        line("\"type\":\"file_close\",\"file\":3"),
                        event(1, null, new FileClose(3L))),
                Arguments.of(
                        line(
                                "\"type\":\"kms_vm\",\"va_start\":\"0x1000\",\"va_size\":\"0xFFFFF000\""),
                        event(1, null, new KmsVm(0x1000L, 0xfffff000L))),
                Arguments.of(
                        line("\"type\":\"submitqueue_new\",\"file\":1,\"queue\":2"),
                        event(1, null, new SubmitqueueNew(1L, 2L, false))),
                Arguments.of(
                        line(
                                "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":2,\"vm_bind\":true"),
                        event(1, null, new SubmitqueueNew(1L, 2L, true))),
                Arguments.of(
                        line("\"type\":\"submitqueue_close\",\"file\":1,\"queue\":2"),
                        event(1, null, new SubmitqueueClose(1L, 2L))),
                Arguments.of(
                        line("\"type\":\"bo_new\",\"file\":1,\"bo\":7,\"size\":4096"),
                        event(1, null, new BoNew(1L, 7L, 4096L, 0L, null))),
                Arguments.of(
                        line(
                                "\"ts\":0,\"type\":\"bo_new\",\"file\":1,\"bo\":18446744073709551615,"
                                        + "\"size\":\"18446744073709551615\",\"flags\":\"0xffffffffffffffff\",\"name\":\"tex \\\"1\\\"\\u00e9\""),
                        event(1, 0L, new BoNew(1L, U64_MAX, U64_MAX, U64_MAX, "tex \"1\"\u00e9"))),
                Arguments.of(
                        line("\"type\":\"handle_open\",\"file\":1,\"bo\":7"),
                        event(1, null, new HandleOpen(1L, 7L))),
                Arguments.of(
                        line("\"type\":\"handle_close\",\"file\":1,\"bo\":7"),
                        event(1, null, new HandleClose(1L, 7L))),
                Arguments.of(
                        line("\"type\":\"set_name\",\"bo\":7,\"name\":\"\""),
                        event(1, null, new SetName(7L, ""))),
                Arguments.of(
                        line("\"type\":\"madvise\",\"bo\":7,\"madv\":\"willneed\""),
                        event(1, null, new Madvise(7L, Madv.willneed))),
                Arguments.of(
                        line("\"type\":\"madvise\",\"bo\":7,\"madv\":\"dontneed\""),
                        event(1, null, new Madvise(7L, Madv.dontneed))),
                Arguments.of(
                        line("\"type\":\"madvise\",\"bo\":7,\"madv\":\"purged\""),
                        event(1, null, new Madvise(7L, Madv.purged))),
                Arguments.of(
                        line("\"type\":\"dmabuf_export\",\"bo\":7,\"dmabuf\":9"),
                        event(1, null, new DmabufExport(7L, 9L, null))),
                Arguments.of(
                        line("\"type\":\"dmabuf_export\",\"bo\":7,\"dmabuf\":9,\"file\":2"),
                        event(1, null, new DmabufExport(7L, 9L, 2L))),
                Arguments.of(
                        line("\"type\":\"dmabuf_import\",\"file\":2,\"dmabuf\":9"),
                        event(1, null, new DmabufImport(2L, 9L))),
                Arguments.of(
                        line("\"type\":\"dmabuf_release\",\"dmabuf\":9"),
                        event(1, null, new DmabufRelease(9L))),
                Arguments.of(line("\"type\":\"vmap\",\"bo\":7"), event(1, null, new Vmap(7L))),
                Arguments.of(line("\"type\":\"vunmap\",\"bo\":7"), event(1, null, new Vunmap(7L))),
                Arguments.of(
                        line("\"type\":\"get_iova\",\"file\":1,\"bo\":7"),
                        event(1, null, new GetIova(1L, 7L, null))),
                Arguments.of(
                        line("\"type\":\"get_iova\",\"file\":1,\"bo\":7,\"iova\":null"),
                        event(1, null, new GetIova(1L, 7L, null))),
                Arguments.of(
                        line("\"type\":\"get_iova\",\"file\":1,\"bo\":7,\"iova\":\"0x100000000\""),
                        event(1, null, new GetIova(1L, 7L, 0x100000000L))),
                Arguments.of(
                        line("\"type\":\"fb_prepare\",\"fb\":4,\"bos\":[7,\"8\",\"0x9\"]"),
                        event(1, null, new FbPrepare(4L, List.of(7L, 8L, 9L), null))),
                Arguments.of(
                        line("\"type\":\"fb_prepare\",\"fb\":4,\"bos\":[],\"iovas\":[]"),
                        event(1, null, new FbPrepare(4L, List.of(), List.of()))),
                Arguments.of(
                        line(
                                "\"type\":\"fb_prepare\",\"fb\":4,\"bos\":[7,8],\"iovas\":[4096,18446744073709551615]"),
                        event(
                                1,
                                null,
                                new FbPrepare(4L, List.of(7L, 8L), List.of(4096L, U64_MAX)))),
                Arguments.of(
                        line("\"type\":\"fb_cleanup\",\"fb\":4"),
                        event(1, null, new FbCleanup(4L))),
                Arguments.of(
                        line("\"type\":\"vm_bind\",\"file\":1,\"queue\":2,\"ops\":[]"),
                        event(1, null, new VmBind(1L, 2L, 0L, List.of()))),
                Arguments.of(
                        line(
                                "\"ts\":\"2026-01-02T03:04:05.123456Z\",\"type\":\"vm_bind\",\"file\":1,\"queue\":2,\"flags\":3,"
                                        + "\"ops\":[{\"op\":\"map\",\"bo\":7,\"obj_offset\":\"0x1000\",\"iova\":\"0x100000000\",\"range\":8192,\"flags\":4},"
                                        + "{\"op\":\"unmap\",\"iova\":\"0x100000000\",\"range\":4096},"
                                        + "{\"op\":\"map_null\",\"bo\":null,\"iova\":0,\"range\":4096,\"dump\":false},"
                                        + "{\"op\":3,\"iova\":0,\"range\":0},"
                                        + "{\"op\":\"18446744073709551615\",\"iova\":0,\"range\":0}]"),
                        event(
                                1,
                                TS,
                                new VmBind(
                                        1L,
                                        2L,
                                        3L,
                                        List.of(
                                                op(1, 7L, 0x1000, 0x100000000L, 8192, 4),
                                                op(0, null, 0, 0x100000000L, 4096, 0),
                                                op(2, null, 0, 0, 4096, 0),
                                                op(3, null, 0, 0, 0, 0),
                                                op(U64_MAX, null, 0, 0, 0, 0))))),
                Arguments.of(
                        line(
                                "\"type\":\"gpu_fault\",\"file\":1,\"iova\":\"0xdead000\",\"dir\":\"write\",\"fault_type\":\"TRANSLATION\""),
                        event(
                                1,
                                null,
                                new GpuFault(
                                        1L,
                                        0xdead000L,
                                        FaultDir.write,
                                        "TRANSLATION",
                                        null,
                                        null,
                                        null))),
                Arguments.of(
                        line(
                                "\"type\":\"gpu_fault\",\"file\":1,\"iova\":0,\"dir\":\"read\",\"fault_type\":\"\",\"source\":\"TP0\""),
                        event(1, null, new GpuFault(1L, 0L, FaultDir.read, "", "TP0", null, null))),
                Arguments.of(
                        line("\"type\":\"gpu_hang\",\"file\":1"),
                        event(1, null, new GpuHang(1L, null, null))));
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void parsesEveryTypeAndRoundTrips(String line, VmEvent expected) {
        VmEvent parsed = TraceJson.parse(line);
        assertEquals(expected, parsed);
        String formatted = TraceJson.format(parsed);
        assertEquals(parsed, TraceJson.parse(formatted));
        assertEquals(formatted, TraceJson.format(TraceJson.parse(formatted)));
    }

    @Test
    void formatsInKeyOrderWithUnsignedNumbersAndWithoutNulls() {
        VmEvent e =
                TraceJson.parse(
                        "{\"type\":\"vm_bind\",\"seq\":\"0x7fffffffffffffff\",\"device\":\"gpu-0:a.b_c\","
                                + "\"ops\":[{\"range\":4096,\"iova\":\"0xffffffffffff0000\",\"op\":\"map_null\",\"dump\":true}],"
                                + "\"queue\":2,\"file\":1,\"ts\":5}");
        assertEquals(
                "{\"device\":\"gpu-0:a.b_c\",\"seq\":9223372036854775807,\"ts\":5,\"type\":\"vm_bind\","
                        + "\"file\":1,\"queue\":2,\"flags\":0,\"ops\":[{\"op\":\"map_null\",\"obj_offset\":0,"
                        + "\"iova\":18446744073709486080,\"range\":4096,\"flags\":1}]}",
                TraceJson.format(e));
    }

    @Test
    void absentTsIsNullAndNotPrinted() {
        VmEvent e = TraceJson.parse(line("\"type\":\"vmap\",\"bo\":1"));
        assertNull(e.getTs());
        assertEquals(
                "{\"device\":\"d1\",\"seq\":1,\"type\":\"vmap\",\"bo\":1}", TraceJson.format(e));
        assertNull(TraceJson.parse(line("\"ts\":null,\"type\":\"vmap\",\"bo\":1")).getTs());
    }

    @Test
    void isoTimestampsBecomeMicroseconds() {
        assertEquals(TS, ts("\"2026-01-02T03:04:05.123456Z\""));
        assertEquals(TS, ts("\"2026-01-02T05:04:05.123456+02:00\""));
        assertEquals(TS - 123456, ts("\"2026-01-02T03:04:05Z\""));
        assertEquals(0L, ts("\"1970-01-01T00:00:00Z\""));
        assertEquals(9223372036854775807L, ts("9223372036854775807"));
    }

    private static long ts(String json) {
        return TraceJson.parse(line("\"ts\":" + json + ",\"type\":\"vmap\",\"bo\":1")).getTs();
    }

    @Test
    void dumpShorthandOrsBitZeroIntoFlags() {
        assertEquals(5L, firstOpFlags("\"flags\":4,\"dump\":true"));
        assertEquals(5L, firstOpFlags("\"flags\":5,\"dump\":true"));
        assertEquals(1L, firstOpFlags("\"dump\":true"));
        assertEquals(4L, firstOpFlags("\"flags\":4,\"dump\":false"));
        assertEquals(5L, firstOpFlags("\"flags\":5,\"dump\":false"));
        assertEquals(0L, firstOpFlags("\"flags\":0"));
    }

    private static long firstOpFlags(String extra) {
        VmBind bind =
                (VmBind)
                        TraceJson.parse(
                                        line(
                                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,"
                                                        + "\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":0,\"range\":4096,"
                                                        + extra
                                                        + "}]"))
                                .getPayload();
        String formatted = TraceJson.format(new VmEvent("d1", 1L, null, bind));
        assertEquals(-1, formatted.indexOf("dump"));
        return bind.getOps().get(0).getFlags();
    }

    @Test
    void refusesToFormatWhatIsNotAPayloadRecord() {
        assertThrows(
                IllegalArgumentException.class,
                () -> TraceJson.format(new VmEvent("d1", 1L, null, "vmap")));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        TraceJson.traceType(
                                new VmEvent("d1", 1L, null, new io.vmledger.schema.Effect())));
    }

    @Test
    void ignoresUnknownFields() {
        assertEquals(
                TraceJson.parse(line("\"type\":\"vmap\",\"bo\":1")),
                TraceJson.parse(
                        line(
                                "\"type\":\"vmap\",\"bo\":1,\"comment\":{\"x\":[1,2]},\"payload\":null")));
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("", "not JSON: empty line"),
                Arguments.of("[1,2]", "not a JSON object: [1,2]"),
                Arguments.of("\"x\"", "not a JSON object: \"x\""),
                Arguments.of(line("\"bo\":1"), "missing required field 'type'"),
                Arguments.of(line("\"type\":7"), "field 'type': 7 is not a string"),
                Arguments.of(line("\"type\":\"foo\""), "unknown type 'foo'"),
                Arguments.of(line("\"type\":\"vmap\""), "missing required field 'bo'"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":null"), "field 'bo': null is not a u64"),
                Arguments.of(line("\"type\":\"vmap\",\"bo\":-1"), "field 'bo': -1 is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":18446744073709551616"),
                        "field 'bo': 18446744073709551616 is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"18446744073709551616\""),
                        "field 'bo': \"18446744073709551616\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"0x10000000000000000\""),
                        "field 'bo': \"0x10000000000000000\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"0x1g\""),
                        "field 'bo': \"0x1g\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"0x\""), "field 'bo': \"0x\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"\""), "field 'bo': \"\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"+1\""), "field 'bo': \"+1\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\" 1\""), "field 'bo': \" 1\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"-0x1\""),
                        "field 'bo': \"-0x1\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":\"\u0661\""),
                        "field 'bo': \"\u0661\" is not a u64"),
                Arguments.of(line("\"type\":\"vmap\",\"bo\":1.5"), "field 'bo': 1.5 is not a u64"),
                Arguments.of(line("\"type\":\"vmap\",\"bo\":1.0"), "field 'bo': 1.0 is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":1e3"), "field 'bo': 1000.0 is not a u64"),
                Arguments.of(
                        line("\"type\":\"vmap\",\"bo\":true"), "field 'bo': true is not a u64"),
                Arguments.of(line("\"type\":\"vmap\",\"bo\":[1]"), "field 'bo': [1] is not a u64"),
                Arguments.of(
                        "{\"seq\":1,\"type\":\"vmap\",\"bo\":1}",
                        "missing required field 'device'"),
                Arguments.of(
                        "{\"device\":\"\",\"seq\":1,\"type\":\"vmap\",\"bo\":1}",
                        "field 'device': \"\" does not match [A-Za-z0-9._:-]{1,128}"),
                Arguments.of(
                        "{\"device\":\"gpu 0\",\"seq\":1,\"type\":\"vmap\",\"bo\":1}",
                        "field 'device': \"gpu 0\" does not match [A-Za-z0-9._:-]{1,128}"),
                Arguments.of(
                        "{\"device\":\""
                                + "a".repeat(129)
                                + "\",\"seq\":1,\"type\":\"vmap\",\"bo\":1}",
                        "field 'device': \""
                                + "a".repeat(47)
                                + "... does not match [A-Za-z0-9._:-]{1,128}"),
                Arguments.of(
                        "{\"device\":1,\"seq\":1,\"type\":\"vmap\",\"bo\":1}",
                        "field 'device': 1 does not match [A-Za-z0-9._:-]{1,128}"),
                Arguments.of(
                        "{\"device\":\"d1\",\"type\":\"vmap\",\"bo\":1}",
                        "missing required field 'seq'"),
                Arguments.of(
                        "{\"device\":\"d1\",\"seq\":0,\"type\":\"vmap\",\"bo\":1}",
                        "field 'seq': 0 is not in 1..9223372036854775807"),
                Arguments.of(
                        "{\"device\":\"d1\",\"seq\":9223372036854775808,\"type\":\"vmap\",\"bo\":1}",
                        "field 'seq': 9223372036854775808 is not in 1..9223372036854775807"),
                Arguments.of(
                        "{\"device\":\"d1\",\"seq\":-3,\"type\":\"vmap\",\"bo\":1}",
                        "field 'seq': -3 is not a u64"),
                Arguments.of(
                        line("\"ts\":-1,\"type\":\"vmap\",\"bo\":1"),
                        "field 'ts': -1 is not an integer >= 0 "
                                + "(microseconds since the epoch) or an ISO-8601 date-time with offset"),
                Arguments.of(
                        line("\"ts\":\"2026-01-02T03:04:05\",\"type\":\"vmap\",\"bo\":1"),
                        "field 'ts': \"2026-01-02T03:04:05\" is not an integer >= 0 "
                                + "(microseconds since the epoch) or an ISO-8601 date-time with offset"),
                Arguments.of(
                        line("\"ts\":\"1969-12-31T23:59:59.999999Z\",\"type\":\"vmap\",\"bo\":1"),
                        "field 'ts': \"1969-12-31T23:59:59.999999Z\" is not representable as microseconds since the epoch (>= 0)"),
                Arguments.of(
                        line("\"type\":\"file_open\",\"file\":1,\"vm_bind\":1"),
                        "field 'vm_bind': 1 is not a boolean"),
                Arguments.of(
                        line("\"type\":\"file_open\",\"file\":1,\"prr\":\"true\""),
                        "field 'prr': \"true\" is not a boolean"),
                Arguments.of(
                        line("\"type\":\"set_name\",\"bo\":1,\"name\":5"),
                        "field 'name': 5 is not a string"),
                Arguments.of(
                        line("\"type\":\"madvise\",\"bo\":1,\"madv\":\"WILLNEED\""),
                        "field 'madv': \"WILLNEED\" is not one of willneed, dontneed, purged"),
                Arguments.of(
                        line("\"type\":\"fb_prepare\",\"fb\":1,\"bos\":7"),
                        "field 'bos': 7 is not an array"),
                Arguments.of(
                        line("\"type\":\"fb_prepare\",\"fb\":1,\"bos\":[1,\"0x1g\"]"),
                        "field 'bos[1]': \"0x1g\" is not a u64"),
                Arguments.of(
                        line("\"type\":\"vm_bind\",\"file\":1,\"queue\":1"),
                        "missing required field 'ops'"),
                Arguments.of(
                        line("\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[1]"),
                        "field 'ops[0]': 1 is not an object"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"iova\":0,\"range\":0},"
                                        + "{\"op\":\"map\",\"iova\":0}]"),
                        "missing required field 'ops[1].range'"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"remap\",\"iova\":0,\"range\":0}]"),
                        "field 'ops[0].op': \"remap\" is not an op: unmap, map, map_null or a u64"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"MAP\",\"iova\":0,\"range\":0}]"),
                        "field 'ops[0].op': \"MAP\" is not an op: unmap, map, map_null or a u64"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":-1,\"iova\":0,\"range\":0}]"),
                        "field 'ops[0].op': -1 is not an op: unmap, map, map_null or a u64"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"iova\":0,\"range\":0}]"),
                        "missing required field 'ops[0].op'"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":1,\"iova\":0,\"range\":0,\"dump\":1}]"),
                        "field 'ops[0].dump': 1 is not a boolean"),
                Arguments.of(
                        line(
                                "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":1,\"bo\":-7,\"iova\":0,\"range\":0}]"),
                        "field 'ops[0].bo': -7 is not a u64"));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsWithAReasonNamingTheProblem(String line, String reason) {
        TraceFormatException e =
                assertThrows(TraceFormatException.class, () -> TraceJson.parse(line));
        assertEquals(reason, e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("notJson")
    void rejectsWhatIsNotOneJsonObject(String line, String detail) {
        String reason =
                assertThrows(TraceFormatException.class, () -> TraceJson.parse(line)).getMessage();
        assertTrue(reason.startsWith("not JSON: ") && reason.contains(detail), reason);
        assertEquals(-1, reason.indexOf('\n'), reason);
    }

    static Stream<Arguments> notJson() {
        return Stream.of(
                Arguments.of("not json", "Unrecognized token 'not'"),
                Arguments.of("{\"device\":\"d1\",", "end-of-input"),
                Arguments.of(
                        "{\"device\":\"d1\",\"device\":\"d2\",\"seq\":1}",
                        "Duplicate field 'device'"),
                Arguments.of(
                        "{\"device\":\"d1\",\"seq\":1,\"type\":\"vmap\",\"bo\":1} {}",
                        "Trailing token"),
                Arguments.of("{\"device\":\"d1\",\"seq\":1,\"type\":\"vmap\",\"bo\":NaN}", "NaN"));
    }

    @Test
    void rejectionKeepsTheIdentityReadSoFar() {
        TraceFormatException late =
                assertThrows(
                        TraceFormatException.class,
                        () ->
                                TraceJson.parse(
                                        "{\"device\":\"d1\",\"seq\":\"0x10\",\"type\":\"nope\"}"));
        assertEquals("d1", late.device());
        assertEquals(16L, late.seq());
        TraceFormatException early =
                assertThrows(
                        TraceFormatException.class,
                        () -> TraceJson.parse("{\"device\":\"d1\",\"seq\":0,\"type\":\"vmap\"}"));
        assertEquals("d1", early.device());
        assertNull(early.seq());
    }
}
