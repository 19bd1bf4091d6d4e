package io.vmledger.engine.query;

import io.vmledger.schema.json.JsonOut;

/** An HTTP response of the query server: status, content type and body. */
public record HttpReply(int status, String contentType, String body) {
    static final String JSON = "application/json";

    /** A 200 JSON reply. */
    static HttpReply json(String body) {
        return new HttpReply(200, JSON, body);
    }

    /** An error reply {@code {"error": message, "status": status}}. */
    static HttpReply error(int status, String message) {
        StringBuilder b = new StringBuilder(64 + message.length());
        b.append("{\"error\":");
        JsonOut.string(b, message);
        b.append(",\"status\":").append(status).append('}');
        return new HttpReply(status, JSON, b.toString());
    }
}
