package io.vmledger.core.state;

import io.vmledger.core.store.BTreeTable;
import io.vmledger.core.store.BufferedTable;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.MirroredTable;
import io.vmledger.core.store.OrderedTable;
import io.vmledger.core.store.WriteBackTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All state of one device, as named ordered tables (keys in each accessor's javadoc; the static
 * accessors beside it read a key's parts by name). The fold reads and writes only through these.
 * Where the tables live is up to a {@link TableSource}: in memory for replay ({@link #inMemory()}),
 * Kafka Streams stores in the engine.
 *
 * <p>The small records an event rewrites many times (device, VMs, BOs, page-table counters) can be
 * buffered per event ({@link #withWriteBack}); the fold calls {@link #flush()} after every event.
 */
public final class DeviceTables {
    /** Table names, also the store names of the engine. */
    public static final String DEVICE = "device";

    public static final String VMS = "vms";
    public static final String VAS = "vas";
    public static final String BO_VAS = "bo-vas";
    public static final String BOS = "bos";
    public static final String FILES = "files";
    public static final String QUEUES = "queues";
    public static final String HANDLES = "handles";
    public static final String PRIME = "prime";
    public static final String DMABUFS = "dmabufs";
    public static final String FBS = "fbs";
    public static final String PT_TABLES = "pt-tables";
    public static final String PTES = "ptes";
    public static final String PT_STATS = "pt-stats";
    public static final String VM_LOG = "vm-log";
    public static final String GPU = "gpu";
    public static final String SUBMITS = "submits";
    public static final String VM_HISTORY = "vm-history";

    /** The key of the one entry of {@link #device()}. */
    private static final CompositeKey DEVICE_RECORD = CompositeKey.of(0);

    /** The tables {@link #withWriteBack} buffers. */
    private static final Set<String> WRITE_BACK = Set.of(DEVICE, VMS, BOS, PT_STATS);

    /** Supplies the table of each name. */
    public interface TableSource {
        /** The table called {@code name}. */
        <V> OrderedTable<V> table(String name);
    }

    private final Map<String, OrderedTable<?>> byName = new LinkedHashMap<>();
    private final List<BufferedTable> buffered = new ArrayList<>(4);
    private final OrderedTable<DeviceRecord> device;
    private final OrderedTable<VmRecord> vms;
    private final OrderedTable<Vma> vas;
    private final OrderedTable<Boolean> boVas;
    private final OrderedTable<BoRecord> bos;
    private final OrderedTable<FileRecord> files;
    private final OrderedTable<Boolean> queues;
    private final OrderedTable<Integer> handles;
    private final OrderedTable<Boolean> prime;
    private final OrderedTable<Long> dmabufs;
    private final OrderedTable<FbRecord> fbs;
    private final OrderedTable<Long> ptTables;
    private final OrderedTable<PteRun> ptes;
    private final OrderedTable<PageTableStats> ptStats;
    private final OrderedTable<VmLogRecord> vmLog;
    private final OrderedTable<GpuRecord> gpu;
    private final OrderedTable<SubmitRecord> submits;
    private final OrderedTable<VmLogRecord> vmHistory;

    public DeviceTables(TableSource source) {
        device = add(source, DEVICE);
        vms = add(source, VMS);
        vas = add(source, VAS);
        boVas = add(source, BO_VAS);
        bos = add(source, BOS);
        files = add(source, FILES);
        queues = add(source, QUEUES);
        handles = add(source, HANDLES);
        prime = add(source, PRIME);
        dmabufs = add(source, DMABUFS);
        fbs = add(source, FBS);
        ptTables = add(source, PT_TABLES);
        ptes = add(source, PTES);
        ptStats = add(source, PT_STATS);
        vmLog = add(source, VM_LOG);
        gpu = add(source, GPU);
        submits = add(source, SUBMITS);
        vmHistory = add(source, VM_HISTORY);
    }

    /** A device whose tables live in memory ({@link BTreeTable}s), with write-back. */
    public static DeviceTables inMemory() {
        return new DeviceTables(
                withWriteBack(
                        new TableSource() {
                            @Override
                            public <V> OrderedTable<V> table(String name) {
                                return new BTreeTable<>();
                            }
                        }));
    }

    /** {@code source} with the frequently rewritten tables buffered in {@link WriteBackTable}s. */
    public static TableSource withWriteBack(TableSource source) {
        return new TableSource() {
            @Override
            public <V> OrderedTable<V> table(String name) {
                OrderedTable<V> t = source.table(name);
                return WRITE_BACK.contains(name) ? new WriteBackTable<>(t) : t;
            }
        };
    }

    /**
     * Writes what buffered tables ({@link WriteBackTable}, {@link MirroredTable}) held back during
     * the event.
     */
    public void flush() {
        for (BufferedTable t : buffered) {
            t.flush();
        }
    }

    /** The table called {@code name}. */
    @SuppressWarnings("unchecked")
    public <V> OrderedTable<V> table(String name) {
        OrderedTable<?> t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table " + name);
        }
        return (OrderedTable<V>) t;
    }

    private <V> OrderedTable<V> add(TableSource source, String name) {
        OrderedTable<V> t = source.table(name);
        byName.put(name, t);
        if (t instanceof BufferedTable b) {
            buffered.add(b);
        }
        return t;
    }

    /** {@code (0)} → the device record. */
    public OrderedTable<DeviceRecord> device() {
        return device;
    }

    /** The device record (last seq and time), or null before the device's first event. */
    public DeviceRecord deviceRecord() {
        return device.get(DEVICE_RECORD);
    }

    /** Replaces the device record. */
    public void deviceRecord(DeviceRecord record) {
        device.put(DEVICE_RECORD, record);
    }

    /** {@code (vm)} → VM. */
    public OrderedTable<VmRecord> vms() {
        return vms;
    }

    /** {@code (vm, addr)} → VMA. */
    public OrderedTable<Vma> vas() {
        return vas;
    }

    /** The VM of a {@link #vas()} key. */
    public static long vaVm(CompositeKey key) {
        return key.a();
    }

    /** The start address of a {@link #vas()} key. */
    public static long vaAddr(CompositeKey key) {
        return key.b();
    }

    /** {@code (bo, vm, addr)} → marker: the VMAs of each BO (the kernel's vm_bo lists). */
    public OrderedTable<Boolean> boVas() {
        return boVas;
    }

    /** The VM of a {@link #boVas()} key. */
    public static long boVaVm(CompositeKey key) {
        return key.b();
    }

    /** The VMA start address of a {@link #boVas()} key. */
    public static long boVaAddr(CompositeKey key) {
        return key.c();
    }

    /** {@code (bo)} → BO. */
    public OrderedTable<BoRecord> bos() {
        return bos;
    }

    /** {@code (file)} → file. */
    public OrderedTable<FileRecord> files() {
        return files;
    }

    /** {@code (file, queue)} → whether it is a VM_BIND queue. */
    public OrderedTable<Boolean> queues() {
        return queues;
    }

    /** {@code (file, bo)} → number of GEM handles the file holds on the BO. */
    public OrderedTable<Integer> handles() {
        return handles;
    }

    /** The BO of a {@link #handles()} key. */
    public static long handleBo(CompositeKey key) {
        return key.b();
    }

    /**
     * {@code (dmabuf, file)} → marker: the PRIME lookup tables of the files (which files know the
     * dma-buf).
     */
    public OrderedTable<Boolean> prime() {
        return prime;
    }

    /** {@code (dmabuf)} → the exported BO. */
    public OrderedTable<Long> dmabufs() {
        return dmabufs;
    }

    /** {@code (fb)} → framebuffer. */
    public OrderedTable<FbRecord> fbs() {
        return fbs;
    }

    /** {@code (vm, level, first index)} → end index (exclusive) of a run of allocated tables. */
    public OrderedTable<Long> ptTables() {
        return ptTables;
    }

    /** The first table index of a {@link #ptTables()} key. */
    public static long ptTableFirst(CompositeKey key) {
        return key.c();
    }

    /** {@code (vm, start)} → run of populated PTEs. */
    public OrderedTable<PteRun> ptes() {
        return ptes;
    }

    /** The start address of a {@link #ptes()} key. */
    public static long pteStart(CompositeKey key) {
        return key.b();
    }

    /** {@code (vm)} → page-table counters. */
    public OrderedTable<PageTableStats> ptStats() {
        return ptStats;
    }

    /** {@code (vm, n)} → the n-th VM-log entry, with the event that wrote it. */
    public OrderedTable<VmLogRecord> vmLog() {
        return vmLog;
    }

    /** The entry index n of a {@link #vmLog()} key. */
    public static long vmLogIndex(CompositeKey key) {
        return key.b();
    }

    /** The GPU record ({@code device_info}, the dump the kernel holds); never null. */
    public GpuRecord gpuRecord() {
        GpuRecord r = gpu.get(DEVICE_RECORD);
        return r == null ? GpuRecord.UNKNOWN : r;
    }

    /** Replaces the GPU record. */
    public void gpuRecord(GpuRecord record) {
        gpu.put(DEVICE_RECORD, record);
    }

    /** {@code (0)} → the GPU record. */
    public OrderedTable<GpuRecord> gpu() {
        return gpu;
    }

    /** {@code (file, queue, submit)} → an in-flight GEM_SUBMIT. */
    public OrderedTable<SubmitRecord> submits() {
        return submits;
    }

    /**
     * {@code (vm, n)} → the n-th map or unmap of a kernel-managed (legacy) VM, which has no kernel
     * VM log: vmledger's own history of it, in the VM log's form (queue 0).
     */
    public OrderedTable<VmLogRecord> vmHistory() {
        return vmHistory;
    }
}
