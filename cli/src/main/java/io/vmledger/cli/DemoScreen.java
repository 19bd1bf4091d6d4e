package io.vmledger.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * The demo's live one-screen summary: redrawn in place about once a second on a terminal, a compact
 * line every ten seconds otherwise (logs, CI).
 */
final class DemoScreen {
    private static final long PLAIN_PERIOD_NS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final String title;
    private final long start = System.nanoTime();
    private int drawnLines;
    private long lastPlain = start;
    private long lastSent;
    private long lastFolded;
    private long lastAt = start;

    DemoScreen(PrintStream out, boolean terminal, String title) {
        this.out = out;
        this.terminal = terminal;
        this.title = title;
    }

    /**
     * Shows the current numbers (rates are since the previous call); the sampler and the drain loop
     * both call it.
     */
    synchronized void show(DemoStats s, String phase) {
        long now = System.nanoTime();
        double secs = Math.max(1e-3, (now - lastAt) / 1e9);
        long sent = s.sent.sum();
        long folded = s.folded.sum();
        double sentRate = (sent - lastSent) / secs;
        double foldRate = (folded - lastFolded) / secs;
        lastSent = sent;
        lastFolded = folded;
        lastAt = now;
        if (terminal) {
            draw(
                    List.of(
                            String.format("%s — %s, %s", title, phase, clock(now - start)),
                            String.format(
                                    "  events     sent %,d (%,.0f/s)   folded %,d (%,.0f/s)   behind %,d",
                                    sent, sentRate, folded, foldRate, Math.max(0, sent - folded)),
                            String.format(
                                    "  ledger     ok %,d   error %,d   duplicate %,d   injected bugs %,d",
                                    s.outcomes("ok"),
                                    s.outcomes("error"),
                                    s.outcomes("duplicate"),
                                    s.injectedBugs.sum()),
                            String.format(
                                    "  state      %,d devices   %,d VAs   %,d live BOs",
                                    s.devices.get(), s.vas.get(), s.bos.get()),
                            "  warnings   " + DemoStats.counts(s.warningAlerts),
                            "  info       " + DemoStats.counts(s.infoAlerts),
                            String.format("  coredumps  %,d written", s.coredumps.sum())));
        } else if (now - lastPlain >= PLAIN_PERIOD_NS) {
            lastPlain = now;
            out.printf(
                    "vmledger demo: %s %s: %,d events sent, %,d folded (%,.0f/s), %,d errors, %,d VAs, alerts: %s, %,d coredumps%n",
                    phase,
                    clock(now - start),
                    sent,
                    folded,
                    foldRate,
                    s.outcomes("error"),
                    s.vas.get(),
                    DemoStats.counts(s.warningAlerts),
                    s.coredumps.sum());
        }
        out.flush();
    }

    private void draw(List<String> lines) {
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append("\033[").append(drawnLines).append('A');
        }
        for (String l : lines) {
            b.append('\r').append(l).append("\033[K\n");
        }
        out.print(b);
        drawnLines = lines.size();
    }

    private static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return String.format("%d:%02d", s / 60, s % 60);
    }
}
