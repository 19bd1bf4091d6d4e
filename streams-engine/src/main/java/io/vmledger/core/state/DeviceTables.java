package io.vmledger.core.state;

import io.vmledger.core.store.OrderedTable;

/**
 * All state of one device, as ordered tables (keys in each accessor's javadoc). The fold
 * reads and writes only through these; the engine backs them with Kafka Streams stores,
 * replay with {@link InMemoryDeviceTables}.
 */
public interface DeviceTables {
    /** {@code (0)} → the device record. */
    OrderedTable<DeviceRecord> device();

    /** {@code (vm)} → VM. */
    OrderedTable<VmRecord> vms();

    /** {@code (vm, addr)} → VMA. */
    OrderedTable<Vma> vas();

    /** {@code (bo, vm, addr)} → marker: the VMAs of each BO (the kernel's vm_bo lists). */
    OrderedTable<Boolean> boVas();

    /** {@code (bo)} → BO. */
    OrderedTable<BoRecord> bos();

    /** {@code (file)} → file. */
    OrderedTable<FileRecord> files();

    /** {@code (file, queue)} → whether it is a VM_BIND queue. */
    OrderedTable<Boolean> queues();

    /** {@code (file, bo)} → number of GEM handles the file holds on the BO. */
    OrderedTable<Integer> handles();

    /** {@code (dmabuf, file)} → marker: the PRIME lookup tables of the files (which files know the dma-buf). */
    OrderedTable<Boolean> prime();

    /** {@code (dmabuf)} → the exported BO. */
    OrderedTable<Long> dmabufs();

    /** {@code (fb)} → framebuffer. */
    OrderedTable<FbRecord> fbs();

    /** {@code (vm, level, first index)} → end index (exclusive) of a run of allocated tables. */
    OrderedTable<Long> ptTables();

    /** {@code (vm, start)} → run of populated PTEs. */
    OrderedTable<PteRun> ptes();

    /** {@code (vm)} → page-table counters. */
    OrderedTable<PageTableStats> ptStats();

    /** {@code (vm, n)} → the n-th VM-log entry. */
    OrderedTable<VmLogEntry> vmLog();
}
