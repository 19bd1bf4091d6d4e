package io.vmledger.producer.sim;

import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The fleet simulator: {@link SimConfig#devices()} {@link DeviceSim}s merged into one stream
 * ordered by event time, as a live fleet's events would arrive; equal times go in device-index
 * order, so the merge is deterministic. The stream ends after {@link SimConfig#maxEvents()} events
 * or when the next event lies beyond {@link SimConfig#spanMicros()} of simulated time, whichever
 * comes first; with neither it is endless. Not thread-safe.
 *
 * <p>Every event is valid kernel behaviour for the state the device's earlier events built, except
 * the labelled invalid ioctls; injected bugs are labelled in {@link SimEvent#truth()}.
 */
public final class FleetSim implements Iterator<SimEvent> {
    private final SimConfig config;
    private final PriorityQueue<Head> heads =
            new PriorityQueue<>(
                    Comparator.comparingLong((Head h) -> h.ts).thenComparingInt(h -> h.index));
    private final long end;
    private long emitted;

    /** A device with the time of its next event. */
    private record Head(DeviceSim device, int index, long ts) {}

    public FleetSim(SimConfig config) {
        this.config = config;
        this.end =
                config.spanMicros() == 0
                        ? Long.MAX_VALUE
                        : config.startMicros() + config.spanMicros();
        for (int i = 0; i < config.devices(); i++) {
            DeviceSim d = new DeviceSim(i, config);
            heads.add(new Head(d, i, d.peek().event().getTs()));
        }
    }

    @Override
    public boolean hasNext() {
        return (config.maxEvents() == 0 || emitted < config.maxEvents()) && heads.peek().ts <= end;
    }

    @Override
    public SimEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the simulated run is over");
        }
        Head h = heads.poll();
        SimEvent e = h.device.take();
        heads.add(new Head(h.device, h.index, h.device.peek().event().getTs()));
        emitted++;
        return e;
    }
}
