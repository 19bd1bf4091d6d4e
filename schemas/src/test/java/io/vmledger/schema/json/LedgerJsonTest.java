package io.vmledger.schema.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmledger.schema.Effect;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.OpOutcome;
import io.vmledger.schema.PtOp;
import io.vmledger.schema.PtOpKind;
import io.vmledger.schema.Status;
import io.vmledger.schema.Step;
import io.vmledger.schema.StepKind;
import io.vmledger.schema.Va;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LedgerJsonTest {

    private static LedgerEntry entry(
            String device,
            Long seq,
            String type,
            Long ts,
            Status status,
            String errno,
            String reason,
            Long line,
            Long prealloc,
            List<OpOutcome> ops,
            List<Effect> effects) {
        return new LedgerEntry(
                device, seq, type, ts, status, errno, reason, line, prealloc, null, ops, effects);
    }

    @Test
    void preallocUsedFollowsPreallocPages() {
        LedgerEntry e =
                new LedgerEntry(
                        "d1", 6L, "vm_bind", null, Status.ok, null, null, null, 6L, 4L, List.of(),
                        List.of());
        String json =
                "{\"device\":\"d1\",\"seq\":6,\"type\":\"vm_bind\",\"status\":\"ok\",\"prealloc_pages\":6,"
                        + "\"prealloc_used\":4,\"ops\":[],\"effects\":[]}";
        assertEquals(json, LedgerJson.format(e));
        assertEquals(e, LedgerJson.parse(json));
    }

    private static Effect effect(
            String kind, Long vm, Long bo, Long iova, Long range, String reason, Long count) {
        return new Effect(kind, vm, bo, iova, range, reason, count);
    }

    private static final Va MAPPED = new Va(0x100000000L, 0x3000L, 7L, 0L, true);
    private static final Va PRR = new Va(0x100003000L, 0x1000L, null, 0x3000L, false);
    private static final Va TOP = new Va(-4096L, 4096L, -1L, -1L, false);
    private static final String MAPPED_JSON =
            "{\"addr\":4294967296,\"range\":12288,\"bo\":7,\"offset\":0,\"dump\":true}";
    private static final String PRR_JSON =
            "{\"addr\":4294979584,\"range\":4096,\"bo\":null,\"offset\":12288,\"dump\":false}";
    private static final String TOP_JSON =
            "{\"addr\":18446744073709547520,\"range\":4096,"
                    + "\"bo\":18446744073709551615,\"offset\":18446744073709551615,\"dump\":false}";

    static Stream<Arguments> goldens() {
        return Stream.of(
                Arguments.of(
                        entry(
                                null,
                                null,
                                null,
                                null,
                                Status.bad_event,
                                null,
                                "not JSON: x",
                                3L,
                                null,
                                null,
                                List.of()),
                        "{\"line\":3,\"status\":\"bad_event\",\"reason\":\"not JSON: x\"}"),
                Arguments.of(
                        entry(
                                "d1",
                                5L,
                                null,
                                null,
                                Status.bad_event,
                                null,
                                "unknown type 'foo'",
                                3L,
                                null,
                                null,
                                List.of()),
                        "{\"device\":\"d1\",\"seq\":5,\"line\":3,\"status\":\"bad_event\",\"reason\":\"unknown type 'foo'\"}"),
                Arguments.of(
                        entry(
                                "d1",
                                4L,
                                "vmap",
                                10L,
                                Status.duplicate,
                                null,
                                null,
                                null,
                                null,
                                null,
                                List.of()),
                        "{\"device\":\"d1\",\"seq\":4,\"type\":\"vmap\",\"ts\":10,\"status\":\"duplicate\"}"),
                Arguments.of(
                        entry(
                                "d1",
                                4L,
                                "vmap",
                                null,
                                Status.duplicate,
                                null,
                                null,
                                null,
                                null,
                                null,
                                List.of()),
                        "{\"device\":\"d1\",\"seq\":4,\"type\":\"vmap\",\"status\":\"duplicate\"}"),
                Arguments.of(
                        entry(
                                "d1", 1L, "bo_new", 0L, Status.ok, null, null, null, null, null,
                                List.of()),
                        "{\"device\":\"d1\",\"seq\":1,\"type\":\"bo_new\",\"ts\":0,\"status\":\"ok\",\"effects\":[]}"),
                Arguments.of(
                        entry(
                                "d1",
                                2L,
                                "handle_close",
                                5L,
                                Status.error,
                                "ENOENT",
                                "no handle\t\"7\"\n\u0001\u00e9\ud83d\ude00",
                                null,
                                null,
                                null,
                                List.of()),
                        "{\"device\":\"d1\",\"seq\":2,\"type\":\"handle_close\",\"ts\":5,\"status\":\"error\",\"errno\":\"ENOENT\","
                                + "\"reason\":\"no handle\\t\\\"7\\\"\\n\\u0001\u00e9\ud83d\ude00\",\"effects\":[]}"),
                Arguments.of(
                        entry(
                                "d1",
                                3L,
                                "file_close",
                                null,
                                Status.ok,
                                null,
                                null,
                                null,
                                null,
                                null,
                                List.of(
                                        effect("bo_freed", null, 7L, null, null, null, null),
                                        effect("alert", 1L, -1L, 0x1000L, 0x2000L, "leak", 3L),
                                        effect("vm_closed", 1L, null, null, null, null, null))),
                        "{\"device\":\"d1\",\"seq\":3,\"type\":\"file_close\",\"status\":\"ok\",\"effects\":["
                                + "{\"kind\":\"bo_freed\",\"bo\":7},"
                                + "{\"kind\":\"alert\",\"vm\":1,\"bo\":18446744073709551615,\"iova\":4096,\"range\":8192,\"reason\":\"leak\",\"count\":3},"
                                + "{\"kind\":\"vm_closed\",\"vm\":1}]}"),
                Arguments.of(
                        entry(
                                "d1",
                                4L,
                                "vm_bind",
                                9L,
                                Status.ok,
                                null,
                                null,
                                null,
                                3L,
                                List.of(
                                        new OpOutcome(
                                                0,
                                                List.of(
                                                        new Step(
                                                                StepKind.unmap,
                                                                MAPPED,
                                                                null,
                                                                true,
                                                                null,
                                                                null),
                                                        new Step(
                                                                StepKind.remap,
                                                                null,
                                                                MAPPED,
                                                                false,
                                                                null,
                                                                PRR),
                                                        new Step(
                                                                StepKind.remap,
                                                                null,
                                                                TOP,
                                                                true,
                                                                MAPPED,
                                                                null),
                                                        new Step(
                                                                StepKind.map,
                                                                PRR,
                                                                null,
                                                                null,
                                                                null,
                                                                null)),
                                                List.of(
                                                        new PtOp(
                                                                PtOpKind.unmap,
                                                                0x100000000L,
                                                                0x3000L,
                                                                null,
                                                                null),
                                                        new PtOp(
                                                                PtOpKind.map,
                                                                0x100003000L,
                                                                0x1000L,
                                                                7L,
                                                                0x3000L),
                                                        new PtOp(
                                                                PtOpKind.map,
                                                                -4096L,
                                                                0x1000L,
                                                                null,
                                                                0L))),
                                        new OpOutcome(1, List.of(), List.of())),
                                List.of(effect("vma_kept", 0L, 7L, null, null, null, null))),
                        "{\"device\":\"d1\",\"seq\":4,\"type\":\"vm_bind\",\"ts\":9,\"status\":\"ok\",\"prealloc_pages\":3,"
                                + "\"ops\":[{\"index\":0,\"steps\":["
                                + "{\"step\":\"unmap\",\"va\":"
                                + MAPPED_JSON
                                + ",\"keep\":true},"
                                + "{\"step\":\"remap\",\"unmap\":"
                                + MAPPED_JSON
                                + ",\"keep\":false,\"prev\":null,\"next\":"
                                + PRR_JSON
                                + "},"
                                + "{\"step\":\"remap\",\"unmap\":"
                                + TOP_JSON
                                + ",\"keep\":true,\"prev\":"
                                + MAPPED_JSON
                                + ",\"next\":null},"
                                + "{\"step\":\"map\",\"va\":"
                                + PRR_JSON
                                + "}],"
                                + "\"pt\":[{\"op\":\"unmap\",\"iova\":4294967296,\"range\":12288},"
                                + "{\"op\":\"map\",\"iova\":4294979584,\"range\":4096,\"bo\":7,\"offset\":12288},"
                                + "{\"op\":\"map\",\"iova\":18446744073709547520,\"range\":4096,\"bo\":null,\"offset\":0}]},"
                                + "{\"index\":1,\"steps\":[],\"pt\":[]}],"
                                + "\"effects\":[{\"kind\":\"vma_kept\",\"vm\":0,\"bo\":7}]}"),
                Arguments.of(
                        entry(
                                "d1",
                                5L,
                                "vm_bind",
                                null,
                                Status.error,
                                "EINVAL",
                                "op 0: bad range",
                                null,
                                0L,
                                List.of(new OpOutcome(0, List.of(), List.of())),
                                List.of()),
                        "{\"device\":\"d1\",\"seq\":5,\"type\":\"vm_bind\",\"status\":\"error\",\"errno\":\"EINVAL\","
                                + "\"reason\":\"op 0: bad range\",\"prealloc_pages\":0,\"ops\":[{\"index\":0,\"steps\":[],\"pt\":[]}],"
                                + "\"effects\":[]}"));
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void formatsTheOutcomeLineAndParsesItBack(LedgerEntry entry, String json) {
        assertEquals(json, LedgerJson.format(entry));
        assertEquals(entry, LedgerJson.parse(json));
    }

    @Test
    void writeAppends() {
        StringBuilder out = new StringBuilder("> ");
        LedgerJson.write(
                entry(
                        null,
                        null,
                        null,
                        null,
                        Status.bad_event,
                        null,
                        "r",
                        1L,
                        null,
                        null,
                        List.of()),
                out);
        assertEquals("> {\"line\":1,\"status\":\"bad_event\",\"reason\":\"r\"}", out.toString());
    }

    @Test
    void parseAcceptsAnyKeyOrderAndDefaultsEffects() {
        assertEquals(
                entry(
                        "d1",
                        4L,
                        "vmap",
                        null,
                        Status.duplicate,
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of()),
                LedgerJson.parse(
                        "{\"status\":\"duplicate\",\"type\":\"vmap\",\"seq\":4,\"device\":\"d1\",\"extra\":1}"));
    }

    @Test
    void parseRejectsWhatIsNotAnOutcome() {
        assertEquals(
                "missing required field 'status'",
                assertThrows(TraceFormatException.class, () -> LedgerJson.parse("{\"line\":1}"))
                        .getMessage());
        assertEquals(
                "field 'status': \"fine\" is not one of ok, error, duplicate, bad_event",
                assertThrows(
                                TraceFormatException.class,
                                () -> LedgerJson.parse("{\"status\":\"fine\"}"))
                        .getMessage());
        assertEquals(
                "field 'ops[0].steps[1].va.dump': 1 is not a boolean",
                assertThrows(
                                TraceFormatException.class,
                                () ->
                                        LedgerJson.parse(
                                                "{\"status\":\"ok\",\"ops\":[{\"index\":0,"
                                                        + "\"steps\":[{\"step\":\"map\"},{\"step\":\"map\",\"va\":{\"addr\":0,\"range\":1,\"offset\":0,\"dump\":1}}],"
                                                        + "\"pt\":[]}]}"))
                        .getMessage());
    }
}
