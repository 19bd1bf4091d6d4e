package io.vmledger.producer.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing by event time, on a simulated clock (no wall time involved). */
class PacerTest {
    /** A clock that advances only when slept on, recording every wait. */
    private static final class FakeClock implements Pacer.Sleeper {
        long now = 1_000_000;
        final List<Long> waits = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            waits.add(nanos);
            now += nanos;
        }
    }

    @Test
    void speedsAreParsedAsUsersWriteThem() {
        assertEquals(0, Pacer.parseSpeed("max"));
        assertEquals(1, Pacer.parseSpeed("1x"));
        assertEquals(10, Pacer.parseSpeed("10X"));
        assertEquals(0.5, Pacer.parseSpeed("0.5"));
        for (String bad : List.of("0x", "-1x", "fast", "x", "NaNx", "Infinity")) {
            assertThrows(IllegalArgumentException.class, () -> Pacer.parseSpeed(bad), bad);
        }
    }

    @Test
    void atOneXEventsAreReleasedAtTheirRecordedOffsets() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Pacer p = Pacer.start(1, 5_000_000, clock);
        p.await(5_000_000L);
        p.await(5_250_000L);
        p.await(6_000_000L);
        assertEquals(List.of(250_000_000L, 750_000_000L), clock.waits);
    }

    @Test
    void fasterSpeedsShrinkTheWaitsAndLateOrUntimedEventsGoAtOnce() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Pacer p = Pacer.start(10, 0, clock);
        p.await(2_000_000L);
        clock.now += 500_000_000L;
        p.await(2_100_000L);
        p.await(null);
        assertEquals(List.of(200_000_000L), clock.waits);
        assertTrue(p.paced());
    }

    @Test
    void maxNeverWaits() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Pacer p = Pacer.start(0, 0, clock);
        p.await(Long.MAX_VALUE);
        assertTrue(clock.waits.isEmpty());
        assertFalse(p.paced());
    }
}
