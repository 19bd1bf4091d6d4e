package io.vmledger.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Reads and writes one Avro record type as a JSON object, field by field in schema order, with all
 * per-field metadata computed once. Reading: absent fields take their Avro default, absent nullable
 * fields without default are null, others are missing; unknown keys are ignored. Writing: null
 * fields are omitted.
 */
final class RecordCodec implements ValueCodec {

    /** One Avro field: its position, JSON key, codec and default (null when it has none). */
    record Slot(String name, String key, int pos, ValueCodec codec, JsonNode defaultJson) {

        Object read(JsonNode node) {
            if (node != null) {
                return codec.read(node);
            }
            if (defaultJson != null) {
                return codec.read(defaultJson);
            }
            if (codec instanceof SchemaCodecs.NullableCodec) {
                return null;
            }
            throw FieldError.missing();
        }
    }

    private record Alias(String key, int pos, long bits) {}

    private final MethodHandle constructor;
    private final Slot[] slots;
    private final Alias[] aliases;

    RecordCodec(Schema schema, List<Slot> slots, List<SchemaCodecs.FlagAlias> flagAliases) {
        this.constructor = noArgConstructor(schema);
        this.slots = slots.toArray(Slot[]::new);
        this.aliases = flagAliases.stream().map(a -> alias(schema, a)).toArray(Alias[]::new);
        for (Slot slot : this.slots) {
            if (slot.defaultJson() != null) {
                try {
                    slot.read(
                            null); // fail at start-up, not on the first line that needs the default
                } catch (FieldError e) {
                    throw new IllegalStateException(
                            schema.getFullName()
                                    + ": bad default: "
                                    + e.inField(slot.name()).getMessage());
                }
            }
        }
    }

    static Slot slot(Schema.Field field, ValueCodec codec) {
        JsonNode defaultJson =
                field.hasDefaultValue() ? JsonIn.fromAvroDefault(field.defaultVal()) : null;
        return new Slot(field.name(), "\"" + field.name() + "\":", field.pos(), codec, defaultJson);
    }

    private static Alias alias(Schema schema, SchemaCodecs.FlagAlias alias) {
        Schema.Field target = schema.getField(alias.field());
        if (target == null || target.schema().getType() != Schema.Type.LONG) {
            throw new IllegalStateException(
                    schema.getFullName() + " has no long field " + alias.field());
        }
        return new Alias(alias.key(), target.pos(), alias.bits());
    }

    @Override
    public Object read(JsonNode node) {
        if (!node.isObject()) {
            throw FieldError.invalid(node, "is not an object");
        }
        return readFields(node);
    }

    /** Builds the record from the keys of JSON object {@code object}. */
    IndexedRecord readFields(JsonNode object) {
        IndexedRecord record = newRecord();
        for (Slot slot : slots) {
            try {
                record.put(slot.pos(), slot.read(object.get(slot.name())));
            } catch (FieldError e) {
                throw e.inField(slot.name());
            }
        }
        for (Alias alias : aliases) {
            JsonNode flag = object.get(alias.key());
            if (flag == null) {
                continue;
            }
            if (!flag.isBoolean()) {
                throw FieldError.invalid(flag, "is not a boolean").inField(alias.key());
            }
            if (flag.booleanValue()) {
                record.put(alias.pos(), (Long) record.get(alias.pos()) | alias.bits());
            }
        }
        return record;
    }

    @Override
    public void write(Object value, StringBuilder out) {
        out.append('{');
        writeFields((IndexedRecord) value, out, true);
        out.append('}');
    }

    /**
     * Appends {@code "name":value} for every non-null field, comma-separated; {@code first} false
     * means a comma goes before the first one too (the object was already started).
     */
    void writeFields(IndexedRecord record, StringBuilder out, boolean first) {
        for (Slot slot : slots) {
            Object value = record.get(slot.pos());
            if (value == null) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(slot.key());
            slot.codec().write(value, out);
        }
    }

    private IndexedRecord newRecord() {
        try {
            return (IndexedRecord) constructor.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(
                    "cannot instantiate " + constructor.type().returnType(), e);
        }
    }

    /** The generated class of a named schema, loaded directly (not through Avro's class checks). */
    static Class<?> generatedClass(Schema schema) {
        try {
            return Class.forName(schema.getFullName(), true, RecordCodec.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no generated class for " + schema.getFullName(), e);
        }
    }

    private static MethodHandle noArgConstructor(Schema schema) {
        try {
            return MethodHandles.publicLookup()
                    .findConstructor(generatedClass(schema), MethodType.methodType(void.class))
                    .asType(MethodType.methodType(IndexedRecord.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    schema.getFullName() + " has no public no-arg constructor", e);
        }
    }
}
