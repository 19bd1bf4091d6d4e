package io.vmledger.schema.json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Event times as vmledger writes them: microseconds since the epoch, given either as an integer
 * (decimal, or hex after {@code 0x}, like every other number vmledger reads) or as an ISO-8601
 * date-time with offset (e.g. {@code 2026-01-02T03:04:05.123456Z}), the two forms a trace's {@code
 * ts} accepts. Used by the trace reader and by the options and query parameters that take a time,
 * and to print one for people.
 */
public final class EventTime {
    /** What a time must look like, for error messages. */
    public static final String EXPECTED =
            "an integer >= 0 (microseconds since the epoch, decimal or 0x hex) or an ISO-8601 date-time with offset";

    private EventTime() {}

    /**
     * The microseconds since the epoch of {@code text}.
     *
     * @throws IllegalArgumentException if it is neither form, or before the epoch or too far ahead
     *     for a long of microseconds
     */
    public static long parse(String text) {
        boolean hex = text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"));
        String digits = hex ? text.substring(2) : text;
        if (!digits.isEmpty()
                && digits.chars().allMatch(c -> Character.digit(c, hex ? 16 : 10) >= 0)) {
            try {
                return Long.parseLong(digits, hex ? 16 : 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' is too large for microseconds since the epoch");
            }
        }
        long micros;
        try {
            micros = isoMicros(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED);
        }
        if (micros < 0) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not representable as microseconds since the epoch (>= 0)");
        }
        return micros;
    }

    /**
     * The microseconds since the epoch of an ISO-8601 date-time with offset, or -1 if that is
     * negative or overflows.
     *
     * @throws DateTimeParseException if {@code text} is not such a date-time
     */
    public static long isoMicros(String text) {
        return micros(
                OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    }

    /**
     * {@code micros} since the epoch as an ISO-8601 UTC date-time, e.g. {@code
     * 2026-01-01T00:00:05.250Z}.
     */
    public static String iso(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
    }

    /** The microseconds since the epoch of {@code time}, or -1 if that is negative or overflows. */
    public static long micros(Instant time) {
        try {
            return Math.addExact(
                    Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
