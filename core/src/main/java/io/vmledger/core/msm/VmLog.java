package io.vmledger.core.msm;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import io.vmledger.core.store.OrderedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * msm's VM log (kernel-semantics §3.8), kept as the full history: entry n of a VM is stored under
 * {@code (vm, n)}. The kernel's ring of {@code 1 << min(vm_log_shift, 8)} entries holds exactly the
 * last entries of that history, so {@link #ring} is a short range scan.
 *
 * <p>Known kernel behaviour, reported rather than reproduced silently: while the ring has not
 * wrapped, the kernel's extraction prints {@code log_idx - 1} entries and so omits the newest one
 * (with one entry written, the section is empty). {@link #kernelView} is what the kernel prints;
 * {@link #ring} is what the ring really holds.
 *
 * <p>Beyond the kernel, each stored entry keeps the device seq and time of the event that wrote it
 * ({@link VmLogRecord}), read from the device record the fold updates first; {@link #lastTouching}
 * searches the newest entries for those that touched an address range.
 */
public final class VmLog {
    /** VM-log op for maps. */
    public static final String MAP = "map";

    /** VM-log op for VM_BIND job unmaps. */
    public static final String UNMAP = "unmap";

    /** Unmap reason of file-close teardown, and of the legacy handle-close teardown. */
    public static final String CLOSE = "close";

    /** Unmap reason of a shrinker purge. */
    public static final String PURGE = "purge";

    /** Unmap reason of the display VM's lazy teardown (no log exists on that VM). */
    public static final String VMA_PUT = "vma_put";

    /** Entries {@link #lastTouching} reads per range scan. */
    private static final int SEARCH_CHUNK = 256;

    private final OrderedTable<VmLogRecord> log;
    private final OrderedTable<DeviceRecord> device;
    private final int length;

    /**
     * The next entry index of {@link #cachedVm}, kept between appends: a VmLog serves one event,
     * which appends to one VM, so only the first append looks the count up.
     */
    private long cachedVm;

    private long cachedCount = -1;

    public VmLog(DeviceTables tables, FoldConfig config) {
        this(tables.vmLog(), tables.device(), config.logLength());
    }

    private VmLog(OrderedTable<VmLogRecord> log, OrderedTable<DeviceRecord> device, int length) {
        this.log = log;
        this.device = device;
        this.length = length;
    }

    /**
     * vmledger's own history of the kernel-managed (legacy) VMs, which have no kernel log: the same
     * entries, kept in {@link DeviceTables#vmHistory()}, never printed as a vm-log section.
     */
    public static VmLog history(DeviceTables tables) {
        return new VmLog(tables.vmHistory(), tables.device(), 0);
    }

    /** Whether VMs of the given kind have a log: only user-managed VMs, and only when enabled. */
    public boolean enabledFor(boolean userManaged) {
        return userManaged && length > 0;
    }

    /** Appends an entry to {@code vm}'s log. */
    public void append(long vm, String op, long queue, long iova, long range) {
        append(vm, op, queue, iova, range, null, 0);
    }

    /** Appends an entry to {@code vm}'s log that maps {@code bo} (nullable) from {@code offset}. */
    public void append(
            long vm, String op, long queue, long iova, long range, Long bo, long offset) {
        if (cachedCount < 0 || cachedVm != vm) {
            cachedVm = vm;
            cachedCount = count(vm);
        }
        DeviceRecord event = device.get(CompositeKey.of(0));
        log.put(
                CompositeKey.of(vm, cachedCount),
                new VmLogRecord(
                        new VmLogEntry(op, queue, iova, range),
                        event.lastSeq(),
                        event.lastTs(),
                        bo,
                        offset));
        cachedCount++;
    }

    /** Number of entries ever written to {@code vm}'s log. */
    public long count(long vm) {
        Map.Entry<CompositeKey, VmLogRecord> last =
                log.floor(CompositeKey.of(vm, 0), CompositeKey.lastOf(vm));
        return last == null ? 0 : DeviceTables.vmLogIndex(last.getKey()) + 1;
    }

    /**
     * The ring's entries, oldest first (the last {@code min(count, ring length)} of the history).
     */
    public List<VmLogEntry> ring(long vm) {
        long total = count(vm);
        return entries(vm, Math.max(0, total - length), total);
    }

    /**
     * What the kernel extracts from the ring for a crash dump or the kernel log, oldest first,
     * including its off-by-one: without a wrap, the newest entry is missing.
     */
    public List<VmLogEntry> kernelView(long vm) {
        long total = count(vm);
        if (total < length) {
            return entries(vm, 0, Math.max(0, total - 1));
        }
        return entries(vm, total - length, total);
    }

    /** Entries {@code [from, to)} of the full history. */
    public List<VmLogEntry> entries(long vm, long from, long to) {
        List<VmLogEntry> out = new ArrayList<>();
        if (to <= from) {
            return out;
        }
        try (Cursor<VmLogRecord> c =
                log.range(CompositeKey.of(vm, from), CompositeKey.of(vm, to - 1))) {
            while (c.hasNext()) {
                out.add(c.next().getValue().entry());
            }
        }
        return out;
    }

    /**
     * What {@link #lastTouching} found.
     *
     * @param newestFirst the entries found, newest first
     * @param searched how many of the newest entries were looked at
     * @param total entries ever logged on the VM
     */
    public record Touches(List<VmLogRecord> newestFirst, long searched, long total) {}

    /**
     * Up to {@code limit} (at least 1) of the newest entries of {@code vm} whose range overlaps
     * {@code [lo, hi)}, newest first, looking at no more than {@code searchLimit} entries (read in
     * ascending chunks from the newest end): the cost is bounded whatever the history's length.
     */
    public Touches lastTouching(long vm, long lo, long hi, int limit, long searchLimit) {
        long total = count(vm);
        long floor = Math.max(0, total - searchLimit);
        List<VmLogRecord> found = new ArrayList<>(limit);
        long to = total;
        while (to > floor) {
            long from = Math.max(floor, to - SEARCH_CHUNK);
            List<VmLogRecord> chunk = new ArrayList<>((int) (to - from));
            try (Cursor<VmLogRecord> c =
                    log.range(CompositeKey.of(vm, from), CompositeKey.of(vm, to - 1))) {
                while (c.hasNext()) {
                    chunk.add(c.next().getValue());
                }
            }
            for (int i = chunk.size() - 1; i >= 0; i--) {
                VmLogEntry e = chunk.get(i).entry();
                if (Long.compareUnsigned(e.iova(), hi) < 0
                        && Long.compareUnsigned(e.iova() + e.range(), lo) > 0) {
                    found.add(chunk.get(i));
                    if (found.size() == limit) {
                        return new Touches(found, total - (from + i), total);
                    }
                }
            }
            to = from;
        }
        return new Touches(found, total - to, total);
    }
}
