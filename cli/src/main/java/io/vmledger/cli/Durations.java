package io.vmledger.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as options take them: a whole number with an optional unit {@code ms}, {@code s}
 * (default), {@code m} or {@code h}.
 */
final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

    private Durations() {}

    /**
     * Microseconds of {@code text} ({@code 90} and {@code 90s} are 90 seconds; {@code 500ms},
     * {@code 5m}, {@code 1h}).
     *
     * @throws IllegalArgumentException naming {@code option} when the text is not a duration
     */
    static long micros(String text, String option) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    option
                            + " must be a whole number with an optional unit ms, s, m or h"
                            + " (e.g. 500ms, 90s, 5m), got '"
                            + text
                            + "'");
        }
        long v = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> v * 1_000L;
            case "m" -> v * 60_000_000L;
            case "h" -> v * 3_600_000_000L;
            default -> v * 1_000_000L;
        };
    }
}
