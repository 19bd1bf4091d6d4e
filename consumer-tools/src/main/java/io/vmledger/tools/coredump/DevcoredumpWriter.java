package io.vmledger.tools.coredump;

import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpAttribution;
import io.vmledger.schema.CoredumpBefore;
import io.vmledger.schema.CoredumpBo;
import io.vmledger.schema.CoredumpFault;
import io.vmledger.schema.CoredumpGpu;
import io.vmledger.schema.CoredumpLogEntry;
import io.vmledger.schema.CoredumpMark;
import io.vmledger.schema.CoredumpMatch;
import io.vmledger.schema.CoredumpSubmit;
import io.vmledger.schema.CoredumpTouch;
import io.vmledger.schema.CoredumpVa;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Coredump} record in the msm devcoredump text format ({@code
 * /sys/class/devcoredump/devcdN/data}, kernel-semantics §3.9): the header (with {@code kernel:} and
 * {@code revision:} from the trace's {@code device_info}), then {@code fault-info} and {@code
 * pgtable-fault-info} (faults only), {@code vm-log} (when the kernel would print one), {@code bos}
 * (the faulting submit's BO table on a legacy context, else the VM's VAs with NULL mappings
 * skipped; no {@code data:} since contents are not recorded), and a {@code vmledger:} section with
 * what the kernel cannot say: whether the kernel would have captured this dump, every {@code bos:}
 * entry Mesa's crashdec marks for the fault address ({@code ==} / {@code >=}, nearest first), a
 * NULL mapping on its own line, the newest history entries that touched the address with the event
 * that logged them, the BO an unmap took away, and a one-line diagnosis.
 *
 * <p>Spelling, indentation and number formats follow the kernel's (checked against real dumps by
 * {@link DevcoredumpReader}). Lines the kernel prints from data vmledger does not have (comm,
 * cmdline, registers, ringbuffer) are left out; without a {@code device_info}, {@code kernel:}
 * names the model and there is no {@code revision:}.
 */
public final class DevcoredumpWriter {
    /** The {@code kernel:} line's value: the dump comes from vmledger's model, not a kernel. */
    public static final String KERNEL = "vmledger-msm-model";

    /** MSM_BO_GPU_READONLY. */
    private static final long GPU_READONLY = 0x2;

    private DevcoredumpWriter() {}

    /** The devcoredump text of {@code c}. */
    public static String write(Coredump c) {
        StringBuilder out = new StringBuilder(1024 + 128 * c.getBos().size());
        out.append("---\n");
        CoredumpGpu gpu = c.getGpu();
        out.append("kernel: ")
                .append(gpu == null || gpu.getKernel() == null ? KERNEL : gpu.getKernel())
                .append('\n');
        out.append("module: msm\n");
        out.append("time: ").append(time(c.getTs())).append('\n');
        if (gpu != null) {
            out.append("revision: ").append(revision(gpu.getRevn(), gpu.getChipId())).append('\n');
        }
        CoredumpFault f = c.getFault();
        if (f != null) {
            out.append("fault-info:\n");
            out.append("  - ttbr0=").append(hex16(c.getTtbr0())).append('\n');
            out.append("  - iova=").append(hex16(f.getIova())).append('\n');
            out.append("  - dir=").append(f.getWrite() ? "WRITE" : "READ").append('\n');
            out.append("  - type=").append(f.getType()).append('\n');
            out.append("  - source=")
                    .append(f.getSource() == null ? "UNKNOWN" : f.getSource())
                    .append('\n');
            out.append("pgtable-fault-info:\n");
            out.append("  - ttbr0: ").append(hex16(c.getTtbr0())).append('\n');
            out.append("  - asid: ").append(c.getAsid()).append('\n');
            out.append("  - ptes:");
            for (long pte : c.getPtes()) {
                out.append(' ').append(hex16(pte));
            }
            out.append('\n');
        }
        if (c.getVmLog() != null) {
            out.append("vm-log:\n");
            for (CoredumpLogEntry e : c.getVmLog()) {
                out.append("  - ")
                        .append(e.getOp())
                        .append(':')
                        .append(e.getQueue())
                        .append(": ")
                        .append(range(e.getIova(), e.getRange()))
                        .append('\n');
            }
        }
        out.append("bos:\n");
        for (CoredumpBo b : c.getBos()) {
            out.append("  - iova: 0x").append(hex16(b.getIova())).append('\n');
            out.append("    size: ").append(Long.toUnsignedString(b.getSize())).append('\n');
            out.append("    flags: 0x").append(Long.toHexString(b.getFlags())).append('\n');
            out.append("    name: ")
                    .append(
                            String.format(
                                    Locale.ROOT, "%-32s", b.getName() == null ? "" : b.getName()))
                    .append('\n');
        }
        vmledger(c, out);
        return out.toString();
    }

    /**
     * The file name of a dump: {@code <device>-<seq>-<reason>.devcore}, the same for the same dump.
     */
    public static String fileName(Coredump c) {
        return c.getDevice()
                + "-"
                + Long.toUnsignedString(c.getSeq())
                + "-"
                + c.getReason()
                + ".devcore";
    }

    private static void vmledger(Coredump c, StringBuilder out) {
        out.append("vmledger:\n");
        out.append("  device: ").append(c.getDevice()).append('\n');
        out.append("  seq: ").append(Long.toUnsignedString(c.getSeq())).append('\n');
        out.append("  reason: ").append(c.getReason()).append('\n');
        out.append("  vm: ").append(c.getVm()).append('\n');
        out.append("  vm-mode: ").append(c.getVmMode()).append('\n');
        out.append("  vm-state: ").append(c.getVmUnusable() ? "unusable" : "usable").append('\n');
        CoredumpGpu gpu = c.getGpu();
        if (gpu != null) {
            out.append("  gpu: ")
                    .append(gpu.getName() == null ? "unnamed" : gpu.getName())
                    .append(" (chip id 0x")
                    .append(String.format(Locale.ROOT, "%08x", gpu.getChipId()))
                    .append(")\n");
        }
        CoredumpSubmit submit = c.getSubmit();
        out.append("  submit: ")
                .append(
                        submit == null
                                ? "none named"
                                : "queue " + submit.getQueue() + ", submit " + submit.getId())
                .append('\n');
        out.append("  bos-from: ")
                .append(
                        "submit".equals(c.getBosSource())
                                ? "the submit's BO table, in table order (whole BOs)"
                                : "managed".equals(c.getVmMode())
                                        ? "every VA of the VM (no submit named: the kernel would"
                                                + " list the faulting submit's BO table)"
                                        : "every non-NULL VA of the VM, ascending")
                .append('\n');
        out.append("  kernel-capture: ")
                .append(c.getKernelCapture() ? "yes" : "no, " + c.getKernelCaptureWhy())
                .append('\n');
        out.append(
                gpu == null || gpu.getKernel() == null
                        ? "  synthesized: kernel, ttbr0 and the addresses in ptes (vmledger records"
                                + " no physical addresses: stable stand-ins per VM, table and BO page);"
                                + " asid is msm's 0\n"
                        : "  synthesized: ttbr0 and the addresses in ptes (vmledger records no"
                                + " physical addresses: stable stand-ins per VM, table and BO page);"
                                + " asid is msm's 0\n");
        CoredumpAttribution a = c.getAttribution();
        if (a == null) {
            return;
        }
        out.append("  fault-iova: 0x").append(hex16(a.getIova())).append('\n');
        if (a.getMarks().isEmpty()) {
            out.append("  marked: none\n");
        } else {
            out.append("  marked:\n");
            for (CoredumpMark m : a.getMarks()) {
                out.append("    - iova: ")
                        .append(range(m.getIova(), m.getSize()))
                        .append('\t')
                        .append(m.getMatch() == CoredumpMatch.contains ? "==" : ">=")
                        .append('\n');
                out.append("      size: ").append(Long.toUnsignedString(m.getSize())).append('\n');
                out.append("      bo: ").append(m.getBo()).append('\n');
                if (m.getName() != null) {
                    out.append("      name: ").append(m.getName()).append('\n');
                }
                out.append("      offset: 0x").append(Long.toHexString(m.getOffset())).append('\n');
            }
        }
        CoredumpVa in = a.getContaining();
        if (in != null && in.getBo() == null) {
            out.append("  null-mapping: inside a NULL mapping [")
                    .append(range(in.getIova(), in.getSize()))
                    .append("]\n");
        } else if (in != null && !marked(a, in)) {
            out.append("  mapped-va: ")
                    .append(range(in.getIova(), in.getSize()))
                    .append(" bo ")
                    .append(in.getBo())
                    .append(in.getName() == null ? "" : " (" + in.getName() + ")")
                    .append(" offset 0x")
                    .append(Long.toHexString(in.getOffset()))
                    .append(", not in bos\n");
        }
        out.append("  page: ").append(a.getPopulated() ? "populated" : "no pte").append('\n');
        out.append("  history-searched: ")
                .append(a.getSearched())
                .append(" of ")
                .append(a.getLogTotal())
                .append(
                        "managed".equals(c.getVmMode())
                                ? " entries of vmledger's history of this legacy VM\n"
                                : " vm-log entries\n");
        if (a.getHistory().isEmpty()) {
            out.append("  history: none\n");
        } else {
            out.append("  history:\n");
            for (CoredumpTouch t : a.getHistory()) {
                out.append("    - seq: ").append(Long.toUnsignedString(t.getSeq())).append('\n');
                out.append("      time: ").append(time(t.getTs())).append('\n');
                out.append("      op: ").append(t.getOp()).append('\n');
                out.append("      queue: ").append(t.getQueue()).append('\n');
                out.append("      iova: ").append(range(t.getIova(), t.getRange())).append('\n');
            }
        }
        CoredumpBefore before = a.getBefore();
        if (before != null) {
            out.append("  unmapped-bo: bo ")
                    .append(before.getBo())
                    .append(before.getName() == null ? "" : " (" + before.getName() + ")")
                    .append(" offset 0x")
                    .append(Long.toHexString(before.getOffset()))
                    .append(", mapped by seq ")
                    .append(Long.toUnsignedString(before.getMapSeq()))
                    .append(", unmapped by seq ")
                    .append(Long.toUnsignedString(before.getUnmap().getSeq()))
                    .append(" (")
                    .append(before.getUnmap().getOp())
                    .append(", queue ")
                    .append(before.getUnmap().getQueue())
                    .append(")\n");
        }
        out.append("  diagnosis: ").append(diagnosis(c, a)).append('\n');
    }

    /** Whether {@code va} is one of the marked bos entries. */
    private static boolean marked(CoredumpAttribution a, CoredumpVa va) {
        for (CoredumpMark m : a.getMarks()) {
            if (m.getIova() == va.getIova() && m.getSize() == va.getSize()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one-line diagnosis the dump's {@code vmledger:} section ends with, or null for a dump
     * without attribution (a hang).
     */
    public static String diagnosis(Coredump c) {
        return c.getAttribution() == null || c.getFault() == null
                ? null
                : diagnosis(c, c.getAttribution());
    }

    /** One line for the person debugging the fault. */
    private static String diagnosis(Coredump c, CoredumpAttribution a) {
        List<CoredumpTouch> h = a.getHistory();
        CoredumpTouch last = h.isEmpty() ? null : h.get(0);
        CoredumpVa in = a.getContaining();
        if (in != null && in.getBo() == null) {
            return "the address is inside a NULL (PRR) mapping: no BO backs it";
        }
        if (in != null) {
            if (!a.getPopulated()) {
                return "a VA covers the address but its page has no PTE (the BO was purged or evicted)";
            }
            if (c.getFault().getWrite() && readOnly(c, in)) {
                return "write to a GPU_READONLY buffer";
            }
            return "the address is mapped: the mapping state does not explain the fault";
        }
        if (last != null && !"map".equals(last.getOp())) {
            CoredumpBefore before = a.getBefore();
            return "use after unmap: the page was last unmapped by seq "
                    + Long.toUnsignedString(last.getSeq())
                    + " at "
                    + time(last.getTs())
                    + " ("
                    + last.getOp()
                    + ", queue "
                    + last.getQueue()
                    + ")"
                    + (before == null
                            ? ""
                            : "; it had mapped bo "
                                    + before.getBo()
                                    + (before.getName() == null
                                            ? ""
                                            : " (" + before.getName() + ")")
                                    + " at offset 0x"
                                    + Long.toHexString(before.getOffset()));
        }
        if (last != null) {
            return "no VA covers the address, yet the newest entry touching it is a map (seq "
                    + Long.toUnsignedString(last.getSeq())
                    + ")";
        }
        if (a.getLogTotal() == 0) {
            return "managed".equals(c.getVmMode())
                    ? "no VA covers the address and nothing was ever mapped in this VM"
                    : "no VA covers the address; the VM keeps no log to tell whether it was ever"
                            + " mapped";
        }
        if (a.getSearched() < a.getLogTotal()) {
            return "no VA covers the address and none of the newest "
                    + a.getSearched()
                    + " history entries touched it";
        }
        return "no VA covers the address and it was never mapped in this VM: a stray address";
    }

    private static boolean readOnly(Coredump c, CoredumpVa va) {
        for (CoredumpBo b : c.getBos()) {
            if (b.getIova() == va.getIova() || (va.getBo() != null && b.getBo() == va.getBo())) {
                return (b.getFlags() & GPU_READONLY) != 0;
            }
        }
        return false;
    }

    /**
     * {@code <revn> (<core>.<major>.<minor>.<patch>)}: the kernel's {@code revision:} value, one
     * decimal per byte of the chip id, high byte first.
     */
    static String revision(long revn, long chipId) {
        return Long.toUnsignedString(revn)
                + " ("
                + ((chipId >>> 24) & 0xff)
                + "."
                + ((chipId >>> 16) & 0xff)
                + "."
                + ((chipId >>> 8) & 0xff)
                + "."
                + (chipId & 0xff)
                + ")";
    }

    /**
     * {@code seconds.nanoseconds} (9 digits) of a time in µs, as the header's {@code time:} prints
     * it.
     */
    static String time(long micros) {
        return Math.floorDiv(micros, 1_000_000L)
                + "."
                + String.format(Locale.ROOT, "%06d000", Math.floorMod(micros, 1_000_000L));
    }

    /** 16 lower-case zero-padded hex digits. */
    static String hex16(long v) {
        String h = Long.toHexString(v);
        return "0000000000000000".substring(h.length()) + h;
    }

    /** {@code 0x<start>-0x<end>}, 16 digits each, as vm-log lines print ranges. */
    private static String range(long iova, long size) {
        return "0x" + hex16(iova) + "-0x" + hex16(iova + size);
    }
}
