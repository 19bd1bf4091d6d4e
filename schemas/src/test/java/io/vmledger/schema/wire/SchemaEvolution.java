package io.vmledger.schema.wire;

import io.vmledger.schema.VmEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Test helpers for schema evolution: events as a previous vmledger wrote them (today's event
 * re-expressed in the previous schema, field by field, then single-object encoded with it), and a
 * record of an event type from a future vmledger.
 */
public final class SchemaEvolution {
    private SchemaEvolution() {}

    /** The first VmEvent schema, as vmledger shipped it before device_info and submits. */
    public static Schema previous() {
        return Wire.previousEventSchema(Wire.PREVIOUS_EVENT_SCHEMAS.get(0));
    }

    /**
     * {@code e} single-object encoded with the previous schema, as an older producer wrote it
     * (fields the previous schema lacks are dropped: they must be at their defaults).
     */
    public static byte[] encodedWithPrevious(VmEvent e) {
        Schema old = previous();
        return encode(old, (GenericRecord) convert(e, old));
    }

    /**
     * A VmEvent written by a future vmledger whose payload union has a record type this version
     * does not know ({@code FutureEvent}, trace type {@code future_event}).
     */
    public static byte[] futureEvent(String device, long seq) {
        Schema futureType =
                Schema.createRecord(
                        "FutureEvent",
                        "an event type of a future vmledger",
                        "io.vmledger.schema",
                        false,
                        List.of(new Schema.Field("file", Schema.create(Schema.Type.LONG))));
        futureType.addProp("trace_type", "future_event");
        List<Schema> branches =
                new ArrayList<>(VmEvent.SCHEMA$.getField("payload").schema().getTypes());
        branches.add(futureType);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : VmEvent.SCHEMA$.getFields()) {
            Schema type = f.name().equals("payload") ? Schema.createUnion(branches) : f.schema();
            fields.add(new Schema.Field(f.name(), type, f.doc(), f.defaultVal()));
        }
        Schema future =
                Schema.createRecord(
                        "VmEvent", "a future VmEvent", "io.vmledger.schema", false, fields);
        GenericRecord p = new GenericData.Record(futureType);
        p.put("file", 1L);
        GenericRecord e = new GenericData.Record(future);
        e.put("device", device);
        e.put("seq", seq);
        e.put("ts", null);
        e.put("payload", p);
        return encode(future, e);
    }

    private static byte[] encode(Schema schema, GenericRecord r) {
        try {
            ByteBuffer b =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    /** {@code value} (of today's schema) as a value of {@code schema}, matched by name. */
    private static Object convert(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        switch (schema.getType()) {
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    if (fits(value, branch)) {
                        return convert(value, branch);
                    }
                }
                throw new IllegalArgumentException("no branch of " + schema + " for " + value);
            case RECORD:
                IndexedRecord in = (IndexedRecord) value;
                GenericRecord out = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    Schema.Field src = in.getSchema().getField(f.name());
                    out.put(f.name(), convert(in.get(src.pos()), f.schema()));
                }
                return out;
            case ARRAY:
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(convert(item, schema.getElementType()));
                }
                return new GenericData.Array<>(schema, items);
            case ENUM:
                return new GenericData.EnumSymbol(schema, value.toString());
            default:
                return value;
        }
    }

    private static boolean fits(Object value, Schema branch) {
        return switch (branch.getType()) {
            case NULL -> value == null;
            case RECORD ->
                    value instanceof IndexedRecord r
                            && r.getSchema().getName().equals(branch.getName());
            case LONG -> value instanceof Long;
            case STRING -> value instanceof CharSequence;
            case BOOLEAN -> value instanceof Boolean;
            case ARRAY -> value instanceof List;
            default -> false;
        };
    }
}
