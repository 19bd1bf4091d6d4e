package io.vmledger.core.dump;

import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.core.state.VmMode;
import java.util.List;

/**
 * What msm captures on a GPU fault or hang (kernel-semantics §3.9, the kernel's crash state) as
 * vmledger models it, right after the event was folded, plus vmledger's attribution of the fault
 * address. Built by {@link CrashCapture}; rendered as a devcoredump by the consumer tools.
 *
 * @param ts event time, µs since the epoch
 * @param fault the IOMMU fault, null for a hang
 * @param ttbr0 the VM's page-table base: synthesized ({@link SyntheticPhys}), vmledger records no
 *     physical addresses
 * @param asid the ASID msm gives per-process page tables (0)
 * @param ptes fault only (else null): the level 0..3 entries along the walk of the fault address, 0
 *     where the walk ends; addresses synthesized
 * @param vmLog the kernel's extraction of the VM log, oldest first; null = no vm-log section
 * @param bos one entry per non-NULL VA of the VM, ascending
 * @param attribution fault only (else null)
 */
public record CrashState(
        String device,
        long seq,
        long ts,
        long vm,
        Reason reason,
        VmMode mode,
        boolean unusable,
        Fault fault,
        long ttbr0,
        int asid,
        List<Long> ptes,
        List<VmLogEntry> vmLog,
        List<Buffer> bos,
        Attribution attribution) {

    /** What triggered the capture. */
    public enum Reason {
        /** gpu_fault: an IOMMU fault of the context's submit. */
        FAULT,
        /** gpu_hang: hang recovery. */
        HANG
    }

    /** The IOMMU fault: address, direction, type and source (source null when unknown). */
    public record Fault(long iova, boolean write, String type, String source) {}

    /**
     * A {@code bos:} entry: a VA ({@code iova}, {@code size} = its range) of BO {@code bo} mapped
     * from {@code offset}.
     */
    public record Buffer(long iova, long size, long flags, String name, long bo, long offset) {}

    /** How the fault address relates to the VM's VAs, marked as Mesa's crashdec marks it. */
    public enum Match {
        /** A VA contains the address ({@code ==}). */
        CONTAINS,
        /**
         * No VA contains it; the nearest VA below ends less than one VA size before it ({@code
         * >=}).
         */
        NEAR,
        /** Neither. */
        NONE
    }

    /**
     * The attribution of a fault address.
     *
     * @param va the VA it matched (null for {@link Match#NONE})
     * @param name that VA's BO debug name, or null
     * @param populated whether the fault page has a PTE
     * @param history the newest VM-log entries that touched the fault page, newest first
     * @param searched how many of the newest VM-log entries were searched
     * @param logTotal entries ever logged on the VM
     */
    public record Attribution(
            long iova,
            Match match,
            Va va,
            String name,
            boolean populated,
            List<VmLogRecord> history,
            long searched,
            long logTotal) {}
}
