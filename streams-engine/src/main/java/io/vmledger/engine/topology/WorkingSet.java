package io.vmledger.engine.topology;

import io.vmledger.core.ledger.DeviceState;
import io.vmledger.core.state.DeviceTables;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A task's working set: the state of the devices it folds, in the heap ({@link
 * DeviceState#mirroring}), loaded from the task's stores as the device's events first use each
 * table after the task starts (one ordered scan per table). Every change reaches the stores at the
 * end of its event, so a device not being folded can be dropped at any time.
 *
 * <p>When the heap copies outgrow the byte budget, whole devices are evicted, least recently used
 * first, and <em>spill</em>: their events fold directly over the stores ({@link DeviceState#over},
 * the record cache in front of RocksDB absorbing repeated reads) until the budget has room for them
 * again. A spilled device is not loaded back on its next event: with the budget full, every such
 * load would evict another device, and a fleet whose events interleave would spend its time
 * scanning whole devices in and out (measured: 44 % of events missing at 600 events/s). Instead it
 * comes back only when it fits in the budget's {@link WorkingSetBudget#hasRoomFor headroom}, so a
 * state larger than the budget folds partly in the heap and partly over the stores, slowing in
 * proportion to the share spilled.
 *
 * <p>The task drops the whole set when it is closed, revoked or corrupted (the processor is
 * initialised anew), so the heap never outlives the stores and the committed ledger it mirrors.
 */
final class WorkingSet {
    /**
     * Heap bytes counted per table entry (key, value record, tree slot): a deliberate
     * over-estimate.
     */
    static final long BYTES_PER_ENTRY = 256;

    private final WorkingSetBudget budget;
    private final Function<String, DeviceTables.TableSource> stores;
    private final LinkedHashMap<String, Held> devices = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<String, Spilled> spilled = new HashMap<>();
    // written by the task's stream thread only; read by the metrics gauges
    private volatile long entries;
    private volatile long loads;
    private volatile long evictions;
    private volatile long spilledEvents;
    private volatile int spilledDevices;

    /** One device held, with the entry count it was last counted at. */
    private static final class Held {
        final DeviceState state;
        long entries;

        Held(DeviceState state) {
            this.state = state;
        }
    }

    /** A device evicted: the entries it held when evicted (its state is read from the stores). */
    private record Spilled(long entries) {}

    /**
     * @param budget the heap this instance's working sets share
     * @param stores each device's durable tables (the task's stores)
     */
    WorkingSet(WorkingSetBudget budget, Function<String, DeviceTables.TableSource> stores) {
        this.budget = budget;
        this.stores = stores;
    }

    /**
     * {@code device}'s state: held in the heap, loaded from the stores if it is new to the task or
     * a spilled device the budget has room for again, else (spilled) directly over the stores.
     */
    DeviceState state(String device) {
        Held h = devices.get(device);
        if (h != null) {
            return h.state;
        }
        Spilled s = spilled.get(device);
        if (s != null) {
            if (!budget.hasRoomFor(s.entries())) {
                spilledEvents++;
                // made per event: nothing of a spilled device stays in the heap between events
                return DeviceState.over(stores.apply(device));
            }
            spilled.remove(device);
            spilledDevices = spilled.size();
        }
        h = new Held(DeviceState.mirroring(stores.apply(device)));
        h.entries = h.state.heapEntries();
        count(h.entries);
        loads++;
        devices.put(device, h);
        return h.state;
    }

    /**
     * Recounts {@code device} after an event or a sweep (its changes are in the stores by now) and
     * evicts least recently used devices other than it while the set is over budget.
     */
    void folded(String device) {
        Held h = devices.get(device);
        if (h == null) {
            return; // spilled: nothing in the heap to count
        }
        long now = h.state.heapEntries();
        count(now - h.entries);
        h.entries = now;
        Iterator<Map.Entry<String, Held>> eldest = devices.entrySet().iterator();
        while (budget.over() && eldest.hasNext()) {
            Map.Entry<String, Held> e = eldest.next();
            if (e.getKey().equals(device)) {
                continue;
            }
            long held = e.getValue().entries;
            count(-held);
            evictions++;
            eldest.remove();
            spilled.put(e.getKey(), new Spilled(held));
            spilledDevices = spilled.size();
        }
    }

    /** Drops every device (the task is closing): its entries no longer count against the budget. */
    void release() {
        count(-entries);
        devices.clear();
        spilled.clear();
        spilledDevices = 0;
    }

    private void count(long delta) {
        entries += delta;
        budget.add(delta);
    }

    /** Devices held now. */
    int devices() {
        return devices.size();
    }

    /** Table entries held now. */
    long entries() {
        return entries;
    }

    /** Devices loaded from the stores so far. */
    long loads() {
        return loads;
    }

    /** Devices evicted so far. */
    long evictions() {
        return evictions;
    }

    /** Devices spilled now (folding over the stores). */
    int spilled() {
        return spilledDevices;
    }

    /** Events folded over the stores (of spilled devices) so far. */
    long spilledEvents() {
        return spilledEvents;
    }
}
