package io.vmledger.producer.sim;

import io.vmledger.schema.VmEvent;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs a simulated fleet into a sink: paced to a number of events per wall-clock second (or as fast
 * as the sink takes them), bounded in wall time, until the fleet is done or a stop is asked for;
 * ground-truth labels go to their own sink. Used by {@code vmledger simulate} and {@code vmledger
 * demo}.
 */
public final class FleetRun {
    /** What a run did: events emitted, labels per kind, and how long it took. */
    public record Result(long events, Map<BugKind, Long> labels, double seconds) {}

    /** Takes each event. */
    @FunctionalInterface
    public interface EventSink {
        void accept(VmEvent event) throws IOException;
    }

    private final SimConfig config;
    private final double rate;
    private final long wallLimitNanos;

    /**
     * @param rate events per wall-clock second; 0 = as fast as possible
     * @param wallLimitNanos stop after this much wall time; {@code Long.MAX_VALUE} for no limit
     */
    public FleetRun(SimConfig config, double rate, long wallLimitNanos) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be >= 0, got " + rate);
        }
        this.config = config;
        this.rate = rate;
        this.wallLimitNanos = wallLimitNanos;
    }

    /**
     * Runs the fleet.
     *
     * @param events every event, in fleet order
     * @param labels the ground-truth label of each injected bug or invalid ioctl
     * @param progress told the number of events emitted so far, after each one
     * @param stop polled before each event; true ends the run
     */
    public Result run(
            EventSink events,
            Consumer<GroundTruth> labels,
            LongConsumer progress,
            BooleanSupplier stop)
            throws IOException {
        Map<BugKind, Long> counts = new EnumMap<>(BugKind.class);
        long start = System.nanoTime();
        long n = 0;
        FleetSim sim = new FleetSim(config);
        while (sim.hasNext() && !stop.getAsBoolean()) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= wallLimitNanos) {
                break;
            }
            if (rate > 0) {
                long ahead = (long) (n * 1e9 / rate) - elapsed;
                if (ahead > 1_000_000) {
                    LockSupport.parkNanos(ahead);
                }
            }
            SimEvent e = sim.next();
            events.accept(e.event());
            if (e.truth() != null) {
                labels.accept(e.truth());
                counts.merge(e.truth().kind(), 1L, Long::sum);
            }
            progress.accept(++n);
        }
        return new Result(n, counts, (System.nanoTime() - start) / 1e9);
    }
}
