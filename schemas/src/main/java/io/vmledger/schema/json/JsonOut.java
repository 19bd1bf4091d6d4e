package io.vmledger.schema.json;

/**
 * Small, allocation-free helpers for writing JSON text into a {@link StringBuilder}: string
 * escaping and unsigned 64-bit integers, as every vmledger JSON output (trace lines, replay outcome
 * and state lines) prints them.
 */
public final class JsonOut {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonOut() {}

    /**
     * Appends {@code s} as a quoted JSON string. Quote, backslash and control characters are
     * escaped, unpaired surrogates are written as {@code \}{@code uXXXX} so nothing is lost; all
     * other characters (including non-ASCII) are copied as is.
     */
    public static void string(StringBuilder out, CharSequence s) {
        out.append('"');
        int n = s.length();
        int run = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            out.append(s, run, i);
            escape(c, out);
            run = i + 1;
        }
        out.append(s, run, n).append('"');
    }

    private static void escape(char c, StringBuilder out) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            default ->
                    out.append("\\u")
                            .append(HEX[c >> 12 & 0xf])
                            .append(HEX[c >> 8 & 0xf])
                            .append(HEX[c >> 4 & 0xf])
                            .append(HEX[c & 0xf]);
        }
    }

    /**
     * Appends the bits of {@code v} as an unsigned 64-bit JSON integer (0..18446744073709551615).
     */
    public static void u64(StringBuilder out, long v) {
        if (v >= 0) {
            out.append(v);
        } else {
            out.append(Long.toUnsignedString(v));
        }
    }
}
