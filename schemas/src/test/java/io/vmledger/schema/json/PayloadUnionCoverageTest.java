package io.vmledger.schema.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmledger.schema.VmEvent;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every branch of the VmEvent payload union, so that a record type added to the schema later
 * is covered without touching this test: it must carry a trace_type and round-trip both a line with
 * only its required fields and a line with every field set.
 */
class PayloadUnionCoverageTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static List<Schema> payloadRecords() {
        return VmEvent.SCHEMA$.getField("payload").schema().getTypes();
    }

    @Test
    void unionHoldsExactlyTheSpecTypesAndTheCrashdecExtension() {
        Set<String> types =
                payloadRecords().stream()
                        .map(s -> s.getProp("trace_type"))
                        .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(
                new TreeSet<>(
                        Set.of(
                                "file_open",
                                "file_close",
                                "kms_vm",
                                "submitqueue_new",
                                "submitqueue_close",
                                "bo_new",
                                "handle_open",
                                "handle_close",
                                "set_name",
                                "madvise",
                                "dmabuf_export",
                                "dmabuf_import",
                                "dmabuf_release",
                                "vmap",
                                "vunmap",
                                "get_iova",
                                "fb_prepare",
                                "fb_cleanup",
                                "vm_bind",
                                "gpu_fault",
                                "gpu_hang",
                                "device_info",
                                "submit",
                                "submit_retired")),
                types);
    }

    @ParameterizedTest
    @MethodSource("payloadRecords")
    void requiredFieldsOnlyRoundTrip(Schema record) {
        roundTrip(record, false);
    }

    @ParameterizedTest
    @MethodSource("payloadRecords")
    void everyFieldSetRoundTrips(Schema record) {
        VmEvent event = roundTrip(record, true);
        IndexedRecord payload = (IndexedRecord) event.getPayload();
        for (Schema.Field field : record.getFields()) {
            assertNotNull(payload.get(field.pos()), field.name());
        }
    }

    private static VmEvent roundTrip(Schema record, boolean everyField) {
        String type = record.getProp("trace_type");
        assertNotNull(type, record.getFullName() + " has no trace_type");
        ObjectNode line = JSON.objectNode().put("device", "dev-1").put("seq", 42).put("type", type);
        line.setAll(object(record, everyField));
        VmEvent event = TraceJson.parse(line.toString());
        assertEquals(
                record.getFullName(),
                ((IndexedRecord) event.getPayload()).getSchema().getFullName());
        assertEquals(type, TraceJson.traceType(event));
        String formatted = TraceJson.format(event);
        assertTrue(
                formatted.startsWith("{\"device\":\"dev-1\",\"seq\":42,\"type\":\"" + type + "\""),
                formatted);
        assertEquals(event, TraceJson.parse(formatted));
        return event;
    }

    private static ObjectNode object(Schema record, boolean everyField) {
        ObjectNode object = JSON.objectNode();
        for (Schema.Field field : record.getFields()) {
            boolean optional = field.hasDefaultValue() || field.schema().isNullable();
            if (everyField || !optional) {
                object.set(field.name(), value(field.schema(), everyField));
            }
        }
        return object;
    }

    private static JsonNode value(Schema schema, boolean everyField) {
        return switch (schema.getType()) {
            case LONG -> everyField ? JSON.textNode("18446744073709551615") : JSON.numberNode(1);
            case INT -> JSON.numberNode(7);
            case BOOLEAN -> JSON.booleanNode(everyField);
            case STRING -> JSON.textNode("s\u00e9\"\n");
            case ENUM ->
                    JSON.textNode(schema.getEnumSymbols().get(schema.getEnumSymbols().size() - 1));
            case ARRAY -> {
                ArrayNode array = JSON.arrayNode();
                array.add(value(schema.getElementType(), everyField));
                yield array;
            }
            case RECORD -> object(schema, everyField);
            case UNION ->
                    value(
                            schema.getTypes().stream()
                                    .filter(s -> s.getType() != Schema.Type.NULL)
                                    .findFirst()
                                    .orElseThrow(),
                            everyField);
            default -> throw new AssertionError("no JSON trace form for " + schema);
        };
    }
}
