package io.vmledger.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmledger.core.Errno;
import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.AlertRule;
import io.vmledger.core.dump.CrashState;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.state.VmMode;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Avro ⇄ domain adapters cover every event type, and every status, severity and fault match.
 */
class CodecTest {

    static Stream<Schema> payloadTypes() {
        return VmEvent.SCHEMA$.getField("payload").schema().getTypes().stream();
    }

    /** A minimal trace line for a payload schema: every required field with a plain value. */
    private static String minimalLine(Schema payload) {
        StringBuilder sb =
                new StringBuilder("{\"device\":\"d\",\"seq\":1,\"type\":\"")
                        .append(payload.getProp("trace_type"))
                        .append('"');
        for (Schema.Field f : payload.getFields()) {
            Schema s = f.schema();
            if (f.hasDefaultValue() || s.getType() == Schema.Type.UNION) {
                continue;
            }
            sb.append(",\"")
                    .append(f.name())
                    .append("\":")
                    .append(
                            switch (s.getType()) {
                                case LONG -> "4096";
                                case BOOLEAN -> "true";
                                case STRING -> "\"x\"";
                                case ENUM -> "\"" + s.getEnumSymbols().get(1) + "\"";
                                case ARRAY ->
                                        s.getElementType().getType() == Schema.Type.LONG
                                                ? "[4096]"
                                                : "[]";
                                default -> throw new IllegalStateException("no sample for " + s);
                            });
        }
        return sb.append('}').toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloadTypes")
    void everyPayloadTypeDecodesToTheDomainEventOfTheSameTraceType(Schema payload) {
        VmEvent avro = TraceJson.parse(minimalLine(payload));
        Event e = EventDecoder.decode(avro);
        assertEquals(payload.getProp("trace_type"), e.type());
    }

    @Test
    void enumsAndOptionalFieldsCarryOver() {
        Event.GpuFault f =
                (Event.GpuFault)
                        EventDecoder.decode(
                                TraceJson.parse(
                                        "{\"device\":\"d\",\"seq\":1,\"type\":\"gpu_fault\",\"file\":1,\"iova\":\"0x1000\",\"dir\":\"write\","
                                                + "\"fault_type\":\"translation\",\"source\":\"TP\"}"));
        assertEquals(new Event.GpuFault(1, 0x1000, true, "translation", "TP"), f);
        Event.Madvise m =
                (Event.Madvise)
                        EventDecoder.decode(
                                TraceJson.parse(
                                        "{\"device\":\"d\",\"seq\":1,\"type\":\"madvise\",\"bo\":3,\"madv\":\"dontneed\"}"));
        assertEquals(io.vmledger.core.event.Madv.DONTNEED, m.madv());
    }

    @ParameterizedTest
    @MethodSource("statuses")
    void everyStatusEncodesToTheAvroStatusOfTheSameName(Status s) {
        Outcome o =
                new Outcome(
                        "d",
                        1,
                        "vmap",
                        5,
                        s,
                        s == Status.ERROR ? Errno.EINVAL : null,
                        null,
                        null,
                        null,
                        null,
                        List.of(Effect.boFreed(3)));
        LedgerEntry e = OutcomeEncoder.encode(o);
        assertEquals(s.name().toLowerCase(Locale.ROOT), e.getStatus().name());
        assertEquals(s == Status.ERROR ? "EINVAL" : null, e.getErrno());
        assertEquals("bo_freed", e.getEffects().get(0).getKind());
        assertEquals(3L, e.getEffects().get(0).getBo());
    }

    static Stream<Status> statuses() {
        return Stream.of(Status.values());
    }

    @ParameterizedTest
    @EnumSource(AlertRule.class)
    void everyAlertCarriesTheAvroSeverityOfTheSameName(AlertRule rule) {
        Alert a = new Alert(rule, "d", 2L, 3L, "evidence", 1, 2, 3, 4, 5, 6);
        assertEquals(
                rule.severity().name().toLowerCase(Locale.ROOT),
                AlertEncoder.encode(a).getSeverity().name());
    }

    @ParameterizedTest
    @EnumSource(CrashState.Match.class)
    void everyFaultMatchEncodesToTheAvroMatchOfTheSameName(CrashState.Match m) {
        CrashState s =
                new CrashState(
                        "d",
                        1,
                        2,
                        3,
                        CrashState.Reason.HANG,
                        VmMode.VM_BIND,
                        false,
                        null,
                        0,
                        0,
                        List.of(),
                        null,
                        List.of(),
                        new CrashState.Attribution(
                                0x1000,
                                m == CrashState.Match.NONE
                                        ? List.of()
                                        : List.of(
                                                new CrashState.Mark(
                                                        new CrashState.Buffer(
                                                                0x1000, 0x1000, 0, null, 7, 0),
                                                        m)),
                                null,
                                null,
                                false,
                                List.of(),
                                0,
                                0,
                                null),
                        null,
                        null,
                        CrashState.BosSource.VM,
                        new CrashState.KernelCapture(true, null));
        assertEquals(
                m.name().toLowerCase(Locale.ROOT),
                CoredumpEncoder.encode(s).getAttribution().getMatch().name());
    }
}
