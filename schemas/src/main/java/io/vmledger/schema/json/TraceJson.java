package io.vmledger.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmledger.schema.VmBindOp;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.wire.EnvelopeRules;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Lossless conversion between one JSON trace line (trace-and-replay.md section 1) and an Avro
 * {@link VmEvent}.
 *
 * <p>Schema-driven: the {@code type} of a line is the {@code trace_type} property of one record of
 * the {@code VmEvent.payload} union, and that record's fields are read from and written to the
 * line's top-level keys, so new event types and fields need no code here. Every Avro long is a u64:
 * a JSON integer 0..2^64-1 or a string ({@code "0x1000"}, {@code "4096"}), printed as an unsigned
 * JSON integer. The only hand-written trace rules are the common fields and, in vm_bind ops, the op
 * names and the {@code "dump": true} shorthand for flag bit 0:
 *
 * <ul>
 *   <li>{@code device} and {@code seq} as {@link EnvelopeRules} says (the Avro input is held to the
 *       same rules);
 *   <li>{@code ts}: absent or null (Avro null), a JSON integer &gt;= 0 (microseconds since the
 *       epoch) or an ISO-8601 date-time with offset, e.g. {@code "2026-01-02T03:04:05.123456Z"}
 *       (digits below the microsecond are dropped).
 * </ul>
 *
 * Unknown keys are ignored; duplicate keys make the line bad.
 *
 * <p>{@code parse(format(e))} equals {@code e} for every event {@code parse} can return.
 * Thread-safe.
 */
public final class TraceJson {

    private static final long DUMP_FLAG = 1L;
    private static final Set<String> COMMON_FIELDS = Set.of("device", "seq", "ts", "type");
    private static final String TS_EXPECTED =
            "is not an integer >= 0 (microseconds since the epoch) or an ISO-8601 date-time with offset";

    /** One payload record type: its trace type, codec, and the text {@code ,"type":"..."}. */
    private record PayloadType(String traceType, RecordCodec codec, String typeJson) {}

    private static final Map<String, PayloadType> BY_TRACE_TYPE = new HashMap<>();
    private static final Map<String, PayloadType> BY_RECORD = new HashMap<>();

    static {
        SchemaCodecs codecs =
                new SchemaCodecs(
                        Map.of(VmBindOp.SCHEMA$.getFullName() + ".op", new OpCodeCodec()),
                        List.of(
                                new SchemaCodecs.FlagAlias(
                                        VmBindOp.SCHEMA$.getFullName(),
                                        "dump",
                                        "flags",
                                        DUMP_FLAG)));
        for (Schema record : VmEvent.SCHEMA$.getField("payload").schema().getTypes()) {
            String traceType = record.getProp("trace_type");
            if (traceType == null) {
                throw new IllegalStateException(
                        record.getFullName() + " has no trace_type property");
            }
            for (Schema.Field field : record.getFields()) {
                if (COMMON_FIELDS.contains(field.name())) {
                    throw new IllegalStateException(
                            record.getFullName()
                                    + "."
                                    + field.name()
                                    + " clashes with a common field");
                }
            }
            StringBuilder typeJson = new StringBuilder(",\"type\":");
            JsonOut.string(typeJson, traceType);
            PayloadType type =
                    new PayloadType(traceType, codecs.record(record), typeJson.toString());
            if (BY_TRACE_TYPE.put(traceType, type) != null) {
                throw new IllegalStateException("trace_type " + traceType + " is used twice");
            }
            BY_RECORD.put(record.getFullName(), type);
        }
    }

    private TraceJson() {}

    /**
     * Reads one trace line.
     *
     * @param line one JSON object (without line terminator)
     * @return the event; absent ts is null, absent fields with an Avro default take it
     * @throws TraceFormatException with a one-line reason naming the problem
     */
    public static VmEvent parse(String line) throws TraceFormatException {
        JsonNode root = JsonIn.readObject(line);
        String device = null;
        Long seq = null;
        try {
            device = device(root.get("device"));
            seq = seq(root.get("seq"));
            Long ts = ts(root.get("ts"));
            PayloadType type = payloadType(root.get("type"), device, seq);
            return new VmEvent(device, seq, ts, type.codec().readFields(root));
        } catch (FieldError e) {
            throw new TraceFormatException(e.getMessage(), device, seq);
        }
    }

    /** One JSON line (no line terminator) for {@code event}; see {@link #write}. */
    public static String format(VmEvent event) {
        StringBuilder out = new StringBuilder(160);
        write(event, out);
        return out.toString();
    }

    /**
     * Appends the JSON line of {@code event}: device, seq, ts (if not null), type, then the payload
     * fields in schema order without the null ones; numbers as unsigned JSON integers. The event is
     * not validated.
     *
     * @throws IllegalArgumentException if the payload is not a record of the VmEvent payload union
     */
    public static void write(VmEvent event, StringBuilder out) {
        PayloadType type = payloadType(event);
        out.append("{\"device\":");
        JsonOut.string(out, event.getDevice());
        out.append(",\"seq\":");
        JsonOut.u64(out, event.getSeq());
        if (event.getTs() != null) {
            out.append(",\"ts\":");
            JsonOut.u64(out, event.getTs());
        }
        out.append(type.typeJson());
        type.codec().writeFields((IndexedRecord) event.getPayload(), out, false);
        out.append('}');
    }

    /**
     * The trace {@code type} of an event, e.g. {@code "vm_bind"}: the {@code trace_type} of its
     * payload record.
     *
     * @throws IllegalArgumentException if the payload is not a record of the VmEvent payload union
     */
    public static String traceType(VmEvent event) {
        return payloadType(event).traceType();
    }

    private static PayloadType payloadType(VmEvent event) {
        Object payload = event.getPayload();
        PayloadType type =
                payload instanceof IndexedRecord record
                        ? BY_RECORD.get(record.getSchema().getFullName())
                        : null;
        if (type == null) {
            throw new IllegalArgumentException(
                    "not a VmEvent payload: "
                            + (payload == null ? null : payload.getClass().getName()));
        }
        return type;
    }

    private static PayloadType payloadType(JsonNode node, String device, Long seq) {
        if (node == null) {
            throw FieldError.missing().inField("type");
        }
        if (!node.isTextual()) {
            throw FieldError.invalid(node, "is not a string").inField("type");
        }
        PayloadType type = BY_TRACE_TYPE.get(node.textValue());
        if (type == null) {
            throw new TraceFormatException(
                    "unknown type '" + FieldError.abbreviate(node.textValue()) + "'", device, seq);
        }
        return type;
    }

    private static String device(JsonNode node) {
        if (node == null) {
            throw FieldError.missing().inField("device");
        }
        String problem =
                node.isTextual()
                        ? EnvelopeRules.deviceProblem(node.textValue())
                        : "does not match " + EnvelopeRules.DEVICE_PATTERN;
        if (problem != null) {
            throw FieldError.invalid(node, problem).inField("device");
        }
        return node.textValue();
    }

    /**
     * seq stays in 1..2^63-1, so it orders the same as a signed or an unsigned long wherever it is
     * compared.
     */
    private static long seq(JsonNode node) {
        if (node == null) {
            throw FieldError.missing().inField("seq");
        }
        long seq;
        try {
            seq = SchemaCodecs.u64(node);
        } catch (FieldError e) {
            throw e.inField("seq");
        }
        String problem = EnvelopeRules.seqProblem(seq);
        if (problem != null) {
            throw FieldError.invalid(node, problem).inField("seq");
        }
        return seq;
    }

    private static Long ts(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return node.longValue();
        }
        if (node.isTextual()) {
            long micros;
            try {
                micros = EventTime.isoMicros(node.textValue());
            } catch (DateTimeParseException e) {
                throw FieldError.invalid(node, TS_EXPECTED).inField("ts");
            }
            String problem = EnvelopeRules.tsProblem(micros);
            if (problem != null) {
                throw FieldError.invalid(node, problem).inField("ts");
            }
            return micros;
        }
        throw FieldError.invalid(node, TS_EXPECTED).inField("ts");
    }

    /**
     * The {@code op} of a vm_bind op: {@code "unmap"} (0), {@code "map"} (1), {@code "map_null"}
     * (2) or any u64 passed through raw so that invalid codes can be expressed. Known codes are
     * written as names.
     */
    private static final class OpCodeCodec implements ValueCodec {
        private static final List<String> NAMES = List.of("unmap", "map", "map_null");

        @Override
        public Object read(JsonNode node) {
            if (node.isTextual()) {
                int code = NAMES.indexOf(node.textValue());
                if (code >= 0) {
                    return (long) code;
                }
            }
            try {
                return SchemaCodecs.u64(node);
            } catch (FieldError e) {
                throw FieldError.invalid(node, "is not an op: unmap, map, map_null or a u64");
            }
        }

        @Override
        public void write(Object value, StringBuilder out) {
            long code = (Long) value;
            if (code >= 0 && code < NAMES.size()) {
                JsonOut.string(out, NAMES.get((int) code));
            } else {
                JsonOut.u64(out, code);
            }
        }
    }
}
