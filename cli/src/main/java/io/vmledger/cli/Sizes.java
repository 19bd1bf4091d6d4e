package io.vmledger.cli;

/**
 * Sizes as options take them: a whole number of bytes with an optional binary unit {@code KiB},
 * {@code MiB} or {@code GiB}.
 */
final class Sizes {
    private Sizes() {}

    /**
     * Bytes of {@code text} ({@code 64MiB}, {@code 512KiB}, {@code 1GiB} or a plain number).
     *
     * @throws IllegalArgumentException naming {@code option} when the text is not a size
     */
    static long bytes(String text, String option) {
        String t = text.trim();
        int shift = 0;
        if (t.endsWith("KiB")) {
            shift = 10;
        } else if (t.endsWith("MiB")) {
            shift = 20;
        } else if (t.endsWith("GiB")) {
            shift = 30;
        }
        String number = shift == 0 ? t : t.substring(0, t.length() - 3);
        try {
            long n = Long.parseLong(number);
            if (n < 0 || n > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " needs a size such as 64MiB, got '" + text + "'");
        }
    }
}
