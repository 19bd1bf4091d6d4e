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
 * @param bos the {@code bos:} entries: the named submit's BO table in table order on a legacy
 *     context ({@link BosSource#SUBMIT}), else one entry per non-NULL VA of the VM, ascending
 * @param attribution fault only (else null)
 * @param gpu what {@code device_info} said of the GPU, or null
 * @param submit the submit the fault or hang names, or null
 * @param bosSource where {@code bos} come from
 * @param kernelCapture whether the kernel would have captured this dump, and why not
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
        Attribution attribution,
        Gpu gpu,
        SubmitRef submit,
        BosSource bosSource,
        KernelCapture kernelCapture) {

    /** The GPU as {@code device_info} described it: {@code revision:} and {@code kernel:}. */
    public record Gpu(long chipId, long revn, String name, String kernel) {}

    /** The submit a crash names. */
    public record SubmitRef(long queue, long submit) {}

    /** Where a dump's {@code bos:} entries come from. */
    public enum BosSource {
        /** The faulting submit's BO table, in table order, whole BOs (legacy context, §3.9). */
        SUBMIT,
        /** Every non-NULL VA of the VM, ascending (VM_BIND; legacy when no submit is named). */
        VM
    }

    /**
     * Whether the kernel would have captured this dump: only the first fault of a submit, and only
     * while it holds no earlier dump (§3.9).
     *
     * @param why null when captured, else the reason it would not have been
     */
    public record KernelCapture(boolean captured, String why) {}

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

    /** A {@code bos:} entry crashdec marks for the fault address, with its marker. */
    public record Mark(Buffer buffer, Match match) {}

    /**
     * The BO that was mapped at the fault page before an unmap took it away.
     *
     * @param bo the BO
     * @param name its debug name, or null
     * @param offset the BO offset that was mapped at the fault page
     * @param mapSeq the seq of the event that mapped it
     * @param unmap the history entry of the unmap
     */
    public record Before(long bo, String name, long offset, long mapSeq, VmLogRecord unmap) {}

    /**
     * The attribution of a fault address.
     *
     * @param marks every {@code bos:} entry Mesa's crashdec marks ({@code ==} / {@code >=}),
     *     nearest first
     * @param containing the VM's VA containing the address (a NULL one too), or null
     * @param name the containing VA's BO debug name, or null
     * @param populated whether the fault page has a PTE
     * @param history the newest VM-log entries (vmledger's own history on a legacy VM) that touched
     *     the fault page, newest first
     * @param searched how many of the newest entries were searched
     * @param logTotal entries ever logged on the VM
     * @param before for an address no VA covers, the BO mapped there before its unmap, or null
     */
    public record Attribution(
            long iova,
            List<Mark> marks,
            Va containing,
            String name,
            boolean populated,
            List<VmLogRecord> history,
            long searched,
            long logTotal,
            Before before) {}
}
