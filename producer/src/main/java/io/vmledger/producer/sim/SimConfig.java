package io.vmledger.producer.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What fleet to simulate.
 *
 * @param devices number of devices (named {@code dev-00000}, {@code dev-00001}, ...)
 * @param maxEvents stop after this many events over the fleet; 0 = no limit
 * @param spanMicros stop at this much simulated time after {@code startMicros}; 0 = no limit
 * @param seed the fleet seed: same seed and settings, same trace; each device derives its own seed
 *     from it and its index, so a device's events do not depend on the other devices
 * @param startMicros simulated time of the first event, µs since the epoch
 * @param bugRate probability that a device carries each injectable bug kind (one of each at most)
 * @param invalidRate probability that one application step also issues one invalid ioctl
 */
public record SimConfig(
        int devices,
        long maxEvents,
        long spanMicros,
        long seed,
        long startMicros,
        double bugRate,
        double invalidRate) {
    /** 2026-01-01T00:00:00Z: the fixed default start, so output is deterministic. */
    public static final long DEFAULT_START =
            Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;

    /**
     * Average events per simulated second of one device, used to estimate a run's length from its
     * event count.
     */
    public static final double NOMINAL_DEVICE_RATE = 110;

    /** Run length assumed for bug timing when neither events nor span bound the run: 10 minutes. */
    private static final long UNBOUNDED_SPAN = 600_000_000L;

    public SimConfig {
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be >= 1, got " + devices);
        }
        if (maxEvents < 0 || spanMicros < 0 || startMicros < 0) {
            throw new IllegalArgumentException("events, span and start must be >= 0");
        }
        if (!(bugRate >= 0 && bugRate <= 1) || !(invalidRate >= 0 && invalidRate <= 1)) {
            throw new IllegalArgumentException("bug and invalid rates must be in 0..1");
        }
    }

    /**
     * The expected simulated length of one device's run: the span if given, else the device's share
     * of the events at {@link #NOMINAL_DEVICE_RATE}. Bugs are injected early in it so that the
     * device runs on long enough after each bug for detection.
     */
    public long expectedSpanMicros() {
        if (spanMicros > 0) {
            return spanMicros;
        }
        if (maxEvents > 0) {
            return (long) (maxEvents / (double) devices / NOMINAL_DEVICE_RATE * 1e6);
        }
        return UNBOUNDED_SPAN;
    }

    /** The name of device {@code index} ({@code dev-00000}, {@code dev-00001}, ...). */
    public static String deviceName(int index) {
        return String.format("dev-%05d", index);
    }

    /** The names of the fleet's devices, in index order. */
    public List<String> deviceNames() {
        List<String> names = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            names.add(deviceName(i));
        }
        return names;
    }
}
