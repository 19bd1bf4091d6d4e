package io.vmledger.engine.topology;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap all the working sets of one engine instance share: every task's {@link WorkingSet}
 * counts its entries here, and evicts its own least recently used devices while the instance's
 * total is over the budget. So the budget bounds the instance, however many tasks it runs.
 */
final class WorkingSetBudget {
    private final long bytes;
    private final AtomicLong entries = new AtomicLong();

    WorkingSetBudget(long bytes) {
        this.bytes = bytes;
    }

    /** Counts {@code delta} entries more (or fewer) held. */
    void add(long delta) {
        entries.addAndGet(delta);
    }

    /**
     * Whether {@code more} entries fit with what the instance's working sets hold now and leave an
     * eighth of the budget free: the headroom that keeps a full set from trading devices back and
     * forth, each trade a whole-device load.
     */
    boolean hasRoomFor(long more) {
        return (entries.get() + more) * WorkingSet.BYTES_PER_ENTRY <= bytes - bytes / 8;
    }

    /** Whether the instance's working sets hold more than the budget. */
    boolean over() {
        return entries.get() * WorkingSet.BYTES_PER_ENTRY > bytes;
    }
}
