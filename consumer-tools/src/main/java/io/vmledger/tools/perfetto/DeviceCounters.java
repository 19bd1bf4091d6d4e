package io.vmledger.tools.perfetto;

import io.vmledger.core.fold.Effect;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.store.CompositeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The counters of one device as the fold moves it: per VM the bytes its PTEs map and its page-table
 * pages, and the bytes of the device's live BOs. After each event only the subjects the event
 * touched (the alert rules' {@link io.vmledger.core.alert.Touched} set, plus the VMs and BOs its
 * effects name) are read back from the state, so the cost per event stays that of the event.
 */
final class DeviceCounters {
    private final Map<Long, PageTableStats> vms = new TreeMap<>();
    private final Map<Long, Long> liveBos = new HashMap<>();
    private long liveBoBytes;

    /**
     * Reads the touched subjects of {@code applied} back from {@code tables}.
     *
     * @return the VMs whose counters changed, ascending, and (as {@link Changes#liveBoBytes})
     *     whether the live BO bytes did
     */
    Changes refresh(Applied applied, DeviceTables tables) {
        Set<Long> vmIds = new TreeSet<>(applied.touched().vms());
        Set<Long> boIds = new TreeSet<>(applied.touched().bos());
        for (Effect e : applied.outcome().effects()) {
            if (e.vm() != null) {
                vmIds.add(e.vm());
            }
            if (e.bo() != null) {
                boIds.add(e.bo());
            }
        }
        List<Long> changedVms = new ArrayList<>();
        for (long vm : vmIds) {
            PageTableStats now = tables.ptStats().get(CompositeKey.of(vm));
            if (now == null) {
                now = PageTableStats.EMPTY;
            }
            PageTableStats was = vms.put(vm, now);
            if (was == null
                    || was.mappedBytes() != now.mappedBytes()
                    || was.tablePages() != now.tablePages()) {
                changedVms.add(vm);
            }
        }
        long before = liveBoBytes;
        for (long bo : boIds) {
            BoRecord r = tables.bos().get(CompositeKey.of(bo));
            Long size = r != null && r.alive() ? r.size() : null;
            Long was = size == null ? liveBos.remove(bo) : liveBos.put(bo, size);
            liveBoBytes += (size == null ? 0 : size) - (was == null ? 0 : was);
        }
        return new Changes(changedVms, liveBoBytes != before);
    }

    /** The VMs seen so far, ascending. */
    Set<Long> vms() {
        return vms.keySet();
    }

    /** The last counters of {@code vm} (empty if never seen). */
    PageTableStats vm(long vm) {
        return vms.getOrDefault(vm, PageTableStats.EMPTY);
    }

    /** Bytes of the device's live BOs. */
    long liveBoBytes() {
        return liveBoBytes;
    }

    /** What one refresh changed. */
    record Changes(List<Long> vms, boolean liveBoBytes) {}
}
