package io.vmledger.cli;

import java.io.PrintStream;

/**
 * Progress of long work on stderr: a live line when stderr is a terminal, a plain line every
 * ten seconds otherwise (logs and CI), nothing for short runs.
 */
final class Progress {
    private static final long TERMINAL_PERIOD_NS = 250_000_000L;
    private static final long PLAIN_PERIOD_NS = 10_000_000_000L;

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
        if ((done & 0x3ff) != 0) {
            return;
        }
        long now = System.nanoTime();
        if (now < nextReport) {
            return;
        }
        nextReport = now + (terminal ? TERMINAL_PERIOD_NS : PLAIN_PERIOD_NS);
        double secs = (now - start) / 1e9;
        String msg = String.format("%s: %,d events, %,.0f events/s", what, done, done / secs);
        if (terminal) {
            err.print("\r" + msg);
        } else {
            err.println(msg);
        }
        reported = true;
    }

    /** Ends a live line. */
    void done() {
        if (terminal && reported) {
            err.print("\r\033[K");
        }
    }
}
