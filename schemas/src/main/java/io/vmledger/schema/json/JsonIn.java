package io.vmledger.schema.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.apache.avro.JsonProperties;

/** The one Jackson configuration used to read vmledger JSON lines. */
final class JsonIn {

    private static final JsonMapper MAPPER =
            JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();
    private static final ObjectReader READER = MAPPER.reader();

    private JsonIn() {}

    /**
     * Parses one line that must hold exactly one JSON object (duplicate keys are rejected: they
     * would make the line ambiguous).
     *
     * @throws TraceFormatException "not JSON: ..." or "not a JSON object: ..."
     */
    static JsonNode readObject(String line) {
        JsonNode root;
        try {
            root = READER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException("not JSON: " + describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new TraceFormatException("not JSON: empty line");
        }
        if (!root.isObject()) {
            throw new TraceFormatException("not a JSON object: " + FieldError.show(root));
        }
        return root;
    }

    /**
     * The JSON form of an Avro field default ({@link org.apache.avro.Schema.Field#defaultVal()}).
     */
    static JsonNode fromAvroDefault(Object defaultVal) {
        return defaultVal == JsonProperties.NULL_VALUE
                ? NullNode.getInstance()
                : MAPPER.valueToTree(defaultVal);
    }

    private static String describe(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ");
        JsonLocation at = e.getLocation();
        return at == null || at.getColumnNr() < 1
                ? message
                : message + " (column " + at.getColumnNr() + ")";
    }
}
