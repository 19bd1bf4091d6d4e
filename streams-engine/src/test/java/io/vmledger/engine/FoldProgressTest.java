package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.engine.query.FoldHealth;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** The stall rule: input waiting, RUNNING, and no record folded for longer than the timeout. */
class FoldProgressTest {
    private static final long S = 1_000_000_000L;

    @Test
    void waitingInputWithNoProgressStallsOnlyAfterTheTimeout() {
        FoldProgress p = new FoldProgress(Duration.ofSeconds(10), 0);
        assertFalse(p.observe(1 * S, 5, 3, true).stalled());
        assertFalse(p.observe(10 * S, 5, 3, true).stalled(), "at the timeout");
        FoldHealth h = p.observe(12 * S, 5, 3, true);
        assertTrue(h.stalled());
        assertEquals(3, h.lag());
        assertEquals(11.0, h.lastProgressAgeSeconds(), 1e-9);
        assertFalse(
                p.observe(13 * S, 6, 3, true).stalled(), "one record folded restarts the clock");
    }

    @Test
    void noWaitingInputUnknownLagOrAnotherStateIsNeverAStall() {
        FoldProgress idle = new FoldProgress(Duration.ofSeconds(1), 0);
        assertFalse(idle.observe(100 * S, 5, 0, true).stalled());
        FoldProgress restoring = new FoldProgress(Duration.ofSeconds(1), 0);
        assertFalse(restoring.observe(100 * S, 5, 9, false).stalled());
        FoldProgress unknown = new FoldProgress(Duration.ofSeconds(1), 0);
        assertFalse(unknown.observe(100 * S, 5, -1, true).stalled());
    }

    /**
     * Against a reference: stalled iff every observation of the last timeout+ had lag > 0, RUNNING
     * and the same count.
     */
    @RepeatedTest(20)
    void agreesWithABruteForceReference(RepetitionInfo info) {
        long seed = 77L * info.getCurrentRepetition();
        Random r = new Random(seed);
        long timeout = (1 + r.nextInt(5)) * S;
        FoldProgress p = new FoldProgress(Duration.ofNanos(timeout), 0);
        int n = 200;
        long[] at = new long[n];
        long[] count = new long[n];
        long[] lag = new long[n];
        boolean[] running = new boolean[n];
        long folded = 0;
        for (int i = 0; i < n; i++) {
            at[i] = (i + 1) * S / 2;
            folded += r.nextInt(4) == 0 ? 1 : 0;
            count[i] = folded;
            lag[i] = r.nextInt(6) == 0 ? 0 : r.nextInt(20) == 0 ? -1 : 1 + r.nextInt(5);
            running[i] = r.nextInt(15) != 0;
            boolean stalled = p.observe(at[i], count[i], lag[i], running[i]).stalled();
            long since = 0;
            for (int j = i; j >= 0; j--) {
                boolean reset = lag[j] <= 0 || !running[j] || (j == 0 || count[j] != count[j - 1]);
                if (reset) {
                    since = at[j];
                    break;
                }
            }
            assertEquals(at[i] - since > timeout, stalled, "seed " + seed + " step " + i);
        }
    }
}
