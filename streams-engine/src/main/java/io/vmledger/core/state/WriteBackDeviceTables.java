package io.vmledger.core.state;

import io.vmledger.core.store.OrderedTable;
import io.vmledger.core.store.WriteBackTable;

/**
 * The tables of one device as one event sees them: the small records an event rewrites many
 * times (device, VMs, BOs, page-table counters) are buffered in {@link WriteBackTable}s and
 * written once by {@link #flush()}; every other table is the device's own.
 */
public final class WriteBackDeviceTables implements DeviceTables {
    private final DeviceTables tables;
    private final WriteBackTable<DeviceRecord> device;
    private final WriteBackTable<VmRecord> vms;
    private final WriteBackTable<BoRecord> bos;
    private final WriteBackTable<PageTableStats> ptStats;

    public WriteBackDeviceTables(DeviceTables tables) {
        this.tables = tables;
        this.device = new WriteBackTable<>(tables.device());
        this.vms = new WriteBackTable<>(tables.vms());
        this.bos = new WriteBackTable<>(tables.bos());
        this.ptStats = new WriteBackTable<>(tables.ptStats());
    }

    /** Writes the buffered records to the device's tables. */
    public void flush() {
        device.flush();
        vms.flush();
        bos.flush();
        ptStats.flush();
    }

    @Override
    public OrderedTable<DeviceRecord> device() {
        return device;
    }

    @Override
    public OrderedTable<VmRecord> vms() {
        return vms;
    }

    @Override
    public OrderedTable<Vma> vas() {
        return tables.vas();
    }

    @Override
    public OrderedTable<Boolean> boVas() {
        return tables.boVas();
    }

    @Override
    public OrderedTable<BoRecord> bos() {
        return bos;
    }

    @Override
    public OrderedTable<FileRecord> files() {
        return tables.files();
    }

    @Override
    public OrderedTable<Boolean> queues() {
        return tables.queues();
    }

    @Override
    public OrderedTable<Integer> handles() {
        return tables.handles();
    }

    @Override
    public OrderedTable<Boolean> prime() {
        return tables.prime();
    }

    @Override
    public OrderedTable<Long> dmabufs() {
        return tables.dmabufs();
    }

    @Override
    public OrderedTable<FbRecord> fbs() {
        return tables.fbs();
    }

    @Override
    public OrderedTable<Long> ptTables() {
        return tables.ptTables();
    }

    @Override
    public OrderedTable<PteRun> ptes() {
        return tables.ptes();
    }

    @Override
    public OrderedTable<PageTableStats> ptStats() {
        return ptStats;
    }

    @Override
    public OrderedTable<VmLogEntry> vmLog() {
        return tables.vmLog();
    }
}
