package io.vmledger.schema.wire;

import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.JsonOut;

/**
 * The rules every event's envelope obeys, whatever form it arrived in (a JSON trace line or an Avro
 * record on the events topic), stated once so that both forms refuse the same events with the same
 * reasons:
 *
 * <ul>
 *   <li>{@code device}: {@code [A-Za-z0-9._:-]{1,128}};
 *   <li>{@code seq}: 1..2^63-1, so it orders the same as a signed or an unsigned long wherever it
 *       is compared (a seq of 2^64-1 would otherwise make every later event a duplicate);
 *   <li>{@code ts}: absent, or microseconds since the epoch &gt;= 0.
 * </ul>
 *
 * Each check returns the problem as the end of a sentence starting with the value, e.g. {@code
 * "does not match [A-Za-z0-9._:-]{1,128}"}, or null when the value is fine.
 */
public final class EnvelopeRules {
    /** The longest device id, in characters (all ASCII, so also in bytes). */
    public static final int DEVICE_MAX = 128;

    /** What a device id must look like. */
    public static final String DEVICE_PATTERN = "[A-Za-z0-9._:-]{1," + DEVICE_MAX + "}";

    private static final String SEQ_RANGE = "is not in 1.." + Long.MAX_VALUE;
    private static final String TS_RANGE =
            "is not representable as microseconds since the epoch (>= 0)";
    private static final int SHOWN_CHARS = 48;

    private EnvelopeRules() {}

    /** The problem with a device id, or null if it is one. */
    public static String deviceProblem(String device) {
        return isDevice(device) ? null : "does not match " + DEVICE_PATTERN;
    }

    /** The problem with a seq read as a signed long (a u64 above 2^63-1 is negative), or null. */
    public static String seqProblem(long seq) {
        return seq >= 1 ? null : SEQ_RANGE;
    }

    /**
     * The problem with an event time read as a signed long (a u64 above 2^63-1 is negative), or
     * null.
     */
    public static String tsProblem(long ts) {
        return ts >= 0 ? null : TS_RANGE;
    }

    /**
     * Why an Avro event's envelope breaks the rules, in the words the JSON trace reader uses
     * ({@code field 'seq': 18446744073709551615 is not in 1..9223372036854775807}), or null when it
     * keeps them.
     */
    public static String problem(VmEvent event) {
        String device = event.getDevice();
        String p = deviceProblem(device);
        if (p != null) {
            return "field 'device': " + quoted(device) + " " + p;
        }
        p = seqProblem(event.getSeq());
        if (p != null) {
            return "field 'seq': " + Long.toUnsignedString(event.getSeq()) + " " + p;
        }
        Long ts = event.getTs();
        p = ts == null ? null : tsProblem(ts);
        if (p != null) {
            return "field 'ts': " + Long.toUnsignedString(ts) + " " + p;
        }
        return null;
    }

    private static boolean isDevice(String s) {
        if (s == null || s.isEmpty() || s.length() > DEVICE_MAX) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '.'
                            || c == '_'
                            || c == ':'
                            || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A device id as JSON text, cut as the JSON reader cuts a value it shows. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(SHOWN_CHARS + 8);
        JsonOut.string(b, s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS));
        return b.length() <= SHOWN_CHARS ? b.toString() : b.substring(0, SHOWN_CHARS) + "...";
    }
}
