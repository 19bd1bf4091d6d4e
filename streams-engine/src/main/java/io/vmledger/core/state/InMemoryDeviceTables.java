package io.vmledger.core.state;

import io.vmledger.core.store.InMemoryTable;
import io.vmledger.core.store.OrderedTable;

/** {@link DeviceTables} on {@link InMemoryTable}s. */
public final class InMemoryDeviceTables implements DeviceTables {
    private final InMemoryTable<DeviceRecord> device = new InMemoryTable<>();
    private final InMemoryTable<VmRecord> vms = new InMemoryTable<>();
    private final InMemoryTable<Vma> vas = new InMemoryTable<>();
    private final InMemoryTable<Boolean> boVas = new InMemoryTable<>();
    private final InMemoryTable<BoRecord> bos = new InMemoryTable<>();
    private final InMemoryTable<FileRecord> files = new InMemoryTable<>();
    private final InMemoryTable<Boolean> queues = new InMemoryTable<>();
    private final InMemoryTable<Integer> handles = new InMemoryTable<>();
    private final InMemoryTable<Boolean> prime = new InMemoryTable<>();
    private final InMemoryTable<Long> dmabufs = new InMemoryTable<>();
    private final InMemoryTable<FbRecord> fbs = new InMemoryTable<>();
    private final InMemoryTable<Long> ptTables = new InMemoryTable<>();
    private final InMemoryTable<PteRun> ptes = new InMemoryTable<>();
    private final InMemoryTable<PageTableStats> ptStats = new InMemoryTable<>();
    private final InMemoryTable<VmLogEntry> vmLog = new InMemoryTable<>();

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
        return vas;
    }

    @Override
    public OrderedTable<Boolean> boVas() {
        return boVas;
    }

    @Override
    public OrderedTable<BoRecord> bos() {
        return bos;
    }

    @Override
    public OrderedTable<FileRecord> files() {
        return files;
    }

    @Override
    public OrderedTable<Boolean> queues() {
        return queues;
    }

    @Override
    public OrderedTable<Integer> handles() {
        return handles;
    }

    @Override
    public OrderedTable<Boolean> prime() {
        return prime;
    }

    @Override
    public OrderedTable<Long> dmabufs() {
        return dmabufs;
    }

    @Override
    public OrderedTable<FbRecord> fbs() {
        return fbs;
    }

    @Override
    public OrderedTable<Long> ptTables() {
        return ptTables;
    }

    @Override
    public OrderedTable<PteRun> ptes() {
        return ptes;
    }

    @Override
    public OrderedTable<PageTableStats> ptStats() {
        return ptStats;
    }

    @Override
    public OrderedTable<VmLogEntry> vmLog() {
        return vmLog;
    }
}
