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

    /** The id of this process's submit in flight, or null. */
    Long submit;

    private long nextSubmit = 1;

    Workload(long wake) {
        this.wake = wake;
    }

    /**
     * GEM_SUBMIT of the process's next job on queue 0 of {@code file} with the BO table {@code bos}
     * (empty for a VM_BIND context); it stays in flight until {@link #retire}.
     */
    void submit(DeviceSim d, long file, java.util.List<io.vmledger.schema.SubmitBo> bos) {
        submit = nextSubmit++;
        d.emit(Payloads.submit(file, submit, bos));
    }

    /** The submit in flight retires (its fence signals); nothing if none is. */
    void retire(DeviceSim d, long file) {
        if (submit != null) {
            d.emit(Payloads.submitRetired(file, submit));
            submit = null;
        }
    }

    /** Emits the next burst of events on {@code d} at {@code d.now()}; updates {@link #wake}. */
    abstract void step(DeviceSim d);

    /** True for user processes that the launcher counts against its concurrency limit. */
    boolean isApp() {
        return false;
    }
}
