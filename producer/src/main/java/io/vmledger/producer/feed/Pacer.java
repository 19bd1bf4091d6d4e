package io.vmledger.producer.feed;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Paces a replay by the trace's own event times: an event stamped {@code ts} is released once
 * {@code (ts - base) / speed} of wall time has passed since the replay began, so a trace plays at
 * its recorded rate ({@code 1x}), faster ({@code 10x}), or unpaced ({@link #UNPACED}). Events at or
 * before the base time, or without a time, are released at once.
 */
public final class Pacer {
    /** Sends as fast as the producer takes them. */
    public static final Pacer UNPACED = new Pacer(0, 0, 0, Sleeper.SYSTEM);

    /** Waits; the system one sleeps the thread, tests substitute a recording one. */
    public interface Sleeper {
        Sleeper SYSTEM =
                new Sleeper() {
                    @Override
                    public long nanoTime() {
                        return System.nanoTime();
                    }

                    @Override
                    public void sleepNanos(long nanos) throws InterruptedException {
                        TimeUnit.NANOSECONDS.sleep(nanos);
                    }
                };

        /** The current monotonic time. */
        long nanoTime();

        /** Waits about {@code nanos}. */
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double speed;
    private final long baseMicros;
    private final long startNanos;
    private final Sleeper sleeper;

    private Pacer(double speed, long baseMicros, long startNanos, Sleeper sleeper) {
        this.speed = speed;
        this.baseMicros = baseMicros;
        this.startNanos = startNanos;
        this.sleeper = sleeper;
    }

    /**
     * A pacer starting now whose event time {@code baseMicros} is wall time zero.
     *
     * @param speed how many trace seconds play per wall second; 0 means unpaced
     */
    public static Pacer start(double speed, long baseMicros, Sleeper sleeper) {
        if (speed < 0 || Double.isNaN(speed)) {
            throw new IllegalArgumentException("speed must be >= 0, got " + speed);
        }
        return speed == 0 ? UNPACED : new Pacer(speed, baseMicros, sleeper.nanoTime(), sleeper);
    }

    /**
     * Parses a speed as users write it: {@code max} (unpaced), or a positive factor with an
     * optional {@code x} suffix ({@code 1x}, {@code 10x}, {@code 0.5}).
     *
     * @return the factor, 0 for {@code max}
     */
    public static double parseSpeed(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("max")) {
            return 0;
        }
        String number = t.endsWith("x") ? t.substring(0, t.length() - 1) : t;
        double factor;
        try {
            factor = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            factor = Double.NaN;
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "speed must be 'max' or a positive factor like 1x or 10x, got '" + text + "'");
        }
        return factor;
    }

    /** Whether this pacer waits at all. */
    public boolean paced() {
        return speed > 0;
    }

    /** Blocks until the event stamped {@code tsMicros} (null: no time) is due. */
    public void await(Long tsMicros) throws InterruptedException {
        if (speed == 0 || tsMicros == null || tsMicros <= baseMicros) {
            return;
        }
        long dueNanos = startNanos + (long) ((tsMicros - baseMicros) * 1000.0 / speed);
        long wait = dueNanos - sleeper.nanoTime();
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }
}
