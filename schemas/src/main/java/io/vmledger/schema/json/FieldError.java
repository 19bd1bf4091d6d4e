package io.vmledger.schema.json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A problem with one JSON value, thrown while reading and given its location (e.g. {@code
 * ops[2].iova}) by the enclosing records and arrays as it propagates. Cheap: no stack trace. The
 * owner of the whole line turns it into a {@link TraceFormatException}.
 */
final class FieldError extends RuntimeException {

    private static final int SHOWN_CHARS = 48;

    /** What is wrong with the value, or null when the field is missing. */
    private final String problem;

    private String path = "";

    private FieldError(String problem) {
        super(null, null, false, false);
        this.problem = problem;
    }

    /** A required field without default is absent; located by the record that misses it. */
    static FieldError missing() {
        return new FieldError(null);
    }

    /**
     * {@code value} is present but unusable; {@code what} completes "VALUE ...", e.g. "is not a
     * u64".
     */
    static FieldError invalid(JsonNode value, String what) {
        return new FieldError(show(value) + " " + what);
    }

    /** Locates the error inside field {@code name} of a record. */
    FieldError inField(String name) {
        path = path.isEmpty() ? name : path.charAt(0) == '[' ? name + path : name + "." + path;
        return this;
    }

    /** Locates the error inside element {@code index} of an array. */
    FieldError atIndex(int index) {
        String element = "[" + index + "]";
        path = path.isEmpty() || path.charAt(0) == '[' ? element + path : element + "." + path;
        return this;
    }

    @Override
    public String getMessage() {
        return problem == null
                ? "missing required field '" + path + "'"
                : "field '" + path + "': " + problem;
    }

    /** The value as JSON text, shortened so that a huge value does not flood the reason. */
    static String show(JsonNode value) {
        return abbreviate(value.toString());
    }

    /** {@code text}, cut to a length that fits in a one-line reason. */
    static String abbreviate(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...";
    }
}
