package io.vmledger.schema.json;

import com.fasterxml.jackson.databind.JsonNode;

/** Converts the values of one Avro schema between their JSON form and their Avro Java form. */
interface ValueCodec {

    /**
     * @param node the JSON value, never null (JSON null is a null node)
     * @return the Avro value
     * @throws FieldError when the value is not acceptable for the schema
     */
    Object read(JsonNode node);

    /** Appends the JSON form of a (non-null unless the schema is nullable) Avro value. */
    void write(Object value, StringBuilder out);
}
