package io.vmledger.cli;

import java.io.PrintStream;

/**
 * Progress of long work on stderr: a live line (with a bar and ETA when the total is known) when
 * stderr is a terminal, a plain line every ten seconds otherwise (logs and CI), nothing for short
 * runs.
 */
final class Progress {
    private static final long TERMINAL_PERIOD_NS = 250_000_000L;
    private static final long PLAIN_PERIOD_NS = 10_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final String what;
    private final PrintStream err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long nextReport;
    private boolean reported;

    private Progress(String what, PrintStream err, boolean terminal) {
        this.what = what;
        this.err = err;
        this.terminal = terminal;
        this.nextReport = start + (terminal ? TERMINAL_PERIOD_NS : PLAIN_PERIOD_NS);
    }

    /** Progress on {@code System.err}, live if a console is attached. */
    static Progress forStderr(String what) {
        return new Progress(what, System.err, System.console() != null);
    }

    /** Called per unit of work; cheap unless a report is due. */
    void tick(long done) {
        if ((done & 0x3ff) == 0) {
            update(done, Double.NaN);
        }
    }

    /**
     * Reports {@code done} events and, when {@code fraction} (0..1) is known, a bar and the
     * estimated time left; does nothing unless a report is due.
     */
    void update(long done, double fraction) {
        long now = System.nanoTime();
        if (now < nextReport) {
            return;
        }
        nextReport = now + (terminal ? TERMINAL_PERIOD_NS : PLAIN_PERIOD_NS);
        double secs = (now - start) / 1e9;
        String counts = String.format("%,d events, %,.0f events/s", done, done / secs);
        String msg;
        if (Double.isNaN(fraction)) {
            msg = what + ": " + counts;
        } else if (terminal) {
            msg =
                    String.format(
                            "%s %s %3.0f%% %s%s",
                            what, bar(fraction), fraction * 100, counts, eta(fraction, secs));
        } else {
            msg =
                    String.format(
                            "%s: %.0f%%, %s%s", what, fraction * 100, counts, eta(fraction, secs));
        }
        if (terminal) {
            err.print("\r" + msg + "\033[K");
        } else {
            err.println(msg);
        }
        reported = true;
    }

    private static String bar(double fraction) {
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }

    private static String eta(double fraction, double secs) {
        if (fraction <= 0.001 || fraction >= 1) {
            return "";
        }
        long left = Math.round(secs * (1 - fraction) / fraction);
        return String.format(", ETA %d:%02d", left / 60, left % 60);
    }

    /** Ends a live line. */
    void done() {
        if (terminal && reported) {
            err.print("\r\033[K");
        }
    }
}
