package io.vmledger.producer.sim;

/**
 * One simulated actor of a device (the compositor, an application, the launcher). The device runs
 * the workload whose {@link #wake} time is earliest; a step emits the events of one burst of
 * activity at the device clock, sets the next wake time and may finish the workload.
 */
abstract class Workload {
    /** Device time (µs) of the next step. */
    long wake;

    /** Set when the workload emitted its last event (e.g. the process exited). */
    boolean finished;

    Workload(long wake) {
        this.wake = wake;
    }

    /** Emits the next burst of events on {@code d} at {@code d.now()}; updates {@link #wake}. */
    abstract void step(DeviceSim d);

    /** True for user processes that the launcher counts against its concurrency limit. */
    boolean isApp() {
        return false;
    }
}
