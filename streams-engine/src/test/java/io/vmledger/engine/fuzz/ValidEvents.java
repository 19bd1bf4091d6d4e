package io.vmledger.engine.fuzz;

import io.vmledger.engine.RandomDeviceTrace;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

/**
 * The valid side of the fuzz: an endless seeded stream of well-formed events, in epochs. Each epoch
 * is a small simulated fleet ({@link FleetSim}: display VMs, VM_BIND and kernel-managed VMs,
 * faults, hangs, leaks, invalid ioctls) interleaved with one {@link RandomDeviceTrace} device
 * (repeated seqs, absent ts); its device names carry the epoch, so that a mutated record that
 * pushed a device's seq far ahead (every later event a duplicate) costs at most the rest of an
 * epoch. Memory is bounded by one epoch, however long the run.
 */
final class ValidEvents {
    /** Events of the simulated fleet per epoch. */
    static final int FLEET_EVENTS = 1500;

    /** Events of the random-trace device per epoch. */
    static final int RANDOM_EVENTS = 300;

    private final long seed;
    private final Random random;
    private int epoch = -1;
    private FleetSim fleet;
    private final Deque<VmEvent> randomDevice = new ArrayDeque<>();

    ValidEvents(long seed) {
        this.seed = seed;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /** The next valid event. */
    VmEvent next() {
        while (true) {
            boolean fromFleet = fleet != null && fleet.hasNext();
            boolean fromRandom = !randomDevice.isEmpty();
            if (fromFleet
                    && (!fromRandom
                            || random.nextInt(FLEET_EVENTS + RANDOM_EVENTS) >= RANDOM_EVENTS)) {
                VmEvent e = fleet.next().event();
                return VmEvent.newBuilder(e).setDevice("e" + epoch + "-" + e.getDevice()).build();
            }
            if (fromRandom) {
                return randomDevice.poll();
            }
            nextEpoch();
        }
    }

    private void nextEpoch() {
        epoch++;
        long epochSeed = seed * 1_000_003L + epoch;
        fleet =
                new FleetSim(
                        new SimConfig(
                                4, FLEET_EVENTS, 0, epochSeed, SimConfig.DEFAULT_START, 0.3, 0.05));
        for (RandomDeviceTrace.Line l :
                RandomDeviceTrace.of(
                        "e" + epoch + "-rnd", epochSeed, RANDOM_EVENTS, SimConfig.DEFAULT_START)) {
            randomDevice.add(TraceJson.parse(l.json()));
        }
    }
}
