package io.vmledger.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Builds {@link ValueCodec}s by walking Avro schemas, so that new fields and record types work
 * without code changes. Supported: boolean, int, long (always a u64), string, enum, array, record,
 * and unions of null with one of these. Record codecs are cached by full name.
 *
 * <p>Two hooks express the few trace rules that are not plain schema walking: a field can get its
 * own codec ({@code overrides}, keyed by {@code "record.full.Name.field"}), and a record can accept
 * a boolean JSON key that ORs bits into a long field ({@link FlagAlias}).
 */
final class SchemaCodecs {

    /**
     * In JSON objects of record {@code record}, {@code "key": true} ORs {@code bits} into long
     * field {@code field}; false or absent changes nothing; the key is never written.
     */
    record FlagAlias(String record, String key, String field, long bits) {}

    private static final ValueCodec U64 =
            new ValueCodec() {
                @Override
                public Object read(JsonNode node) {
                    return u64(node);
                }

                @Override
                public void write(Object value, StringBuilder out) {
                    JsonOut.u64(out, (Long) value);
                }
            };

    private static final ValueCodec INT =
            new ValueCodec() {
                @Override
                public Object read(JsonNode node) {
                    if (node.isIntegralNumber() && node.canConvertToInt()) {
                        return node.intValue();
                    }
                    throw FieldError.invalid(node, "is not a 32-bit integer");
                }

                @Override
                public void write(Object value, StringBuilder out) {
                    out.append((int) (Integer) value);
                }
            };

    private static final ValueCodec BOOLEAN =
            new ValueCodec() {
                @Override
                public Object read(JsonNode node) {
                    if (node.isBoolean()) {
                        return node.booleanValue();
                    }
                    throw FieldError.invalid(node, "is not a boolean");
                }

                @Override
                public void write(Object value, StringBuilder out) {
                    out.append((boolean) (Boolean) value);
                }
            };

    private static final ValueCodec STRING =
            new ValueCodec() {
                @Override
                public Object read(JsonNode node) {
                    if (node.isTextual()) {
                        return node.textValue();
                    }
                    throw FieldError.invalid(node, "is not a string");
                }

                @Override
                public void write(Object value, StringBuilder out) {
                    JsonOut.string(out, (CharSequence) value);
                }
            };

    private static final BigInteger U64_LIMIT = BigInteger.ONE.shiftLeft(64);

    private final Map<String, ValueCodec> overrides;
    private final List<FlagAlias> aliases;
    private final Map<String, RecordCodec> records = new HashMap<>();

    SchemaCodecs(Map<String, ValueCodec> overrides, List<FlagAlias> aliases) {
        this.overrides = Map.copyOf(overrides);
        this.aliases = List.copyOf(aliases);
    }

    /** The codec of a record schema (its generated class must be on the class path). */
    RecordCodec record(Schema schema) {
        RecordCodec codec = records.get(schema.getFullName());
        if (codec == null) {
            List<RecordCodec.Slot> slots = new ArrayList<>();
            for (Schema.Field field : schema.getFields()) {
                ValueCodec fieldCodec = overrides.get(schema.getFullName() + "." + field.name());
                slots.add(
                        RecordCodec.slot(
                                field,
                                fieldCodec != null ? fieldCodec : codec(field.schema(), field)));
            }
            List<FlagAlias> own =
                    aliases.stream().filter(a -> a.record().equals(schema.getFullName())).toList();
            codec = new RecordCodec(schema, slots, own);
            records.put(schema.getFullName(), codec);
        }
        return codec;
    }

    private ValueCodec codec(Schema schema, Schema.Field where) {
        return switch (schema.getType()) {
            case LONG -> U64;
            case INT -> INT;
            case BOOLEAN -> BOOLEAN;
            case STRING -> STRING;
            case ENUM -> new EnumCodec(schema);
            case ARRAY -> new ArrayCodec(codec(schema.getElementType(), where));
            case RECORD -> record(schema);
            case UNION -> new NullableCodec(codec(nonNullBranch(schema, where), where));
            default -> throw unsupported(schema, where);
        };
    }

    private static Schema nonNullBranch(Schema union, Schema.Field where) {
        List<Schema> branches = union.getTypes();
        if (branches.size() == 2 && branches.get(0).getType() == Schema.Type.NULL) {
            return branches.get(1);
        }
        if (branches.size() == 2 && branches.get(1).getType() == Schema.Type.NULL) {
            return branches.get(0);
        }
        throw unsupported(union, where);
    }

    private static IllegalStateException unsupported(Schema schema, Schema.Field where) {
        return new IllegalStateException(
                "field '" + where.name() + "': no JSON trace form for Avro type " + schema);
    }

    /**
     * Reads a u64: a JSON integer 0..2^64-1, or a string of decimal digits or {@code 0x} + hex
     * digits (case-insensitive). The result carries the 64 bits in a long.
     */
    static long u64(JsonNode node) {
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                long v = node.longValue();
                if (v >= 0) {
                    return v;
                }
            } else {
                BigInteger v = node.bigIntegerValue();
                if (v.signum() > 0 && v.compareTo(U64_LIMIT) < 0) {
                    return v.longValue();
                }
            }
        } else if (node.isTextual()) {
            String s = node.textValue();
            boolean hex =
                    s.length() > 2
                            && s.charAt(0) == '0'
                            && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
            int start = hex ? 2 : 0;
            if (s.length() > start && asciiDigits(s, start, hex)) {
                try {
                    return Long.parseUnsignedLong(s, start, s.length(), hex ? 16 : 10);
                } catch (NumberFormatException tooLarge) {
                    // reported below
                }
            }
        }
        throw FieldError.invalid(node, "is not a u64");
    }

    /** Long.parseUnsignedLong also takes '+' and non-ASCII digits; the trace format does not. */
    private static boolean asciiDigits(String s, int start, boolean hex) {
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            char lower = (char) (c | 0x20);
            if (!(c >= '0' && c <= '9') && !(hex && lower >= 'a' && lower <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Enum symbols as JSON strings; reads yield the generated Java enum constants. */
    private static final class EnumCodec implements ValueCodec {
        private final Map<String, Object> constants = new LinkedHashMap<>();
        private final String expected;

        EnumCodec(Schema schema) {
            Map<String, Object> byName = new HashMap<>();
            for (Object constant : RecordCodec.generatedClass(schema).getEnumConstants()) {
                byName.put(((Enum<?>) constant).name(), constant);
            }
            for (String symbol : schema.getEnumSymbols()) {
                Object constant = byName.get(symbol);
                if (constant == null) {
                    throw new IllegalStateException(
                            schema.getFullName() + " has no constant " + symbol);
                }
                constants.put(symbol, constant);
            }
            expected = "is not one of " + String.join(", ", schema.getEnumSymbols());
        }

        @Override
        public Object read(JsonNode node) {
            Object constant = node.isTextual() ? constants.get(node.textValue()) : null;
            if (constant == null) {
                throw FieldError.invalid(node, expected);
            }
            return constant;
        }

        @Override
        public void write(Object value, StringBuilder out) {
            JsonOut.string(out, value.toString());
        }
    }

    /** JSON arrays; reads yield an {@link ArrayList}. */
    private record ArrayCodec(ValueCodec items) implements ValueCodec {
        @Override
        public Object read(JsonNode node) {
            if (!node.isArray()) {
                throw FieldError.invalid(node, "is not an array");
            }
            List<Object> values = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                try {
                    values.add(items.read(node.get(i)));
                } catch (FieldError e) {
                    throw e.atIndex(i);
                }
            }
            return values;
        }

        @Override
        public void write(Object value, StringBuilder out) {
            out.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                items.write(item, out);
            }
            out.append(']');
        }
    }

    /** A union of null and one other type: JSON null or the other type's form. */
    record NullableCodec(ValueCodec value) implements ValueCodec {
        @Override
        public Object read(JsonNode node) {
            return node.isNull() ? null : value.read(node);
        }

        @Override
        public void write(Object v, StringBuilder out) {
            if (v == null) {
                out.append("null");
            } else {
                value.write(v, out);
            }
        }
    }
}
