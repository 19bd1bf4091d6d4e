package io.vmledger.tools.coredump;

import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpAttribution;
import io.vmledger.schema.CoredumpBo;
import io.vmledger.schema.CoredumpFault;
import io.vmledger.schema.CoredumpLogEntry;
import io.vmledger.schema.CoredumpMatch;
import io.vmledger.schema.CoredumpTouch;
import io.vmledger.schema.CoredumpVa;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Coredump} record in the msm devcoredump text format ({@code
 * /sys/class/devcoredump/devcdN/data}, kernel-semantics §3.9): the header, then {@code fault-info}
 * and {@code pgtable-fault-info} (faults only), {@code vm-log} (when the kernel would print one),
 * {@code bos} (NULL mappings skipped, no {@code data:} since contents are not recorded), and a
 * {@code vmledger:} section with what the kernel cannot say: which VA and BO the fault address
 * belongs to ({@code ==} / {@code >=} as Mesa's crashdec marks them), the newest VM-log entries
 * that touched it with the event that logged them, and a one-line diagnosis.
 *
 * <p>Spelling, indentation and number formats follow the kernel's (checked against real dumps by
 * {@link DevcoredumpReader}). Lines the kernel prints from data vmledger does not have (comm,
 * cmdline, revision, registers, ringbuffer) are left out; {@code kernel:} names the model.
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
        out.append("kernel: ").append(KERNEL).append('\n');
        out.append("module: msm\n");
        out.append("time: ").append(time(c.getTs())).append('\n');
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
        out.append(
                "  synthesized: kernel, ttbr0 and the addresses in ptes (vmledger records no physical"
                        + " addresses: stable stand-ins per VM, table and BO page); asid is msm's 0\n");
        CoredumpAttribution a = c.getAttribution();
        if (a == null) {
            return;
        }
        out.append("  fault-iova: 0x").append(hex16(a.getIova())).append('\n');
        CoredumpVa va = a.getVa();
        if (va == null) {
            out.append("  va: none\n");
        } else {
            out.append("  va:\n");
            out.append("    - iova: ")
                    .append(range(va.getIova(), va.getSize()))
                    .append('\t')
                    .append(a.getMatch() == CoredumpMatch.contains ? "==" : ">=")
                    .append('\n');
            out.append("      size: ").append(Long.toUnsignedString(va.getSize())).append('\n');
            out.append("      bo: ")
                    .append(va.getBo() == null ? "none (NULL mapping)" : va.getBo().toString())
                    .append('\n');
            if (va.getName() != null) {
                out.append("      name: ").append(va.getName()).append('\n');
            }
            out.append("      offset: 0x").append(Long.toHexString(va.getOffset())).append('\n');
        }
        out.append("  page: ").append(a.getPopulated() ? "populated" : "no pte").append('\n');
        out.append("  history-searched: ")
                .append(a.getSearched())
                .append(" of ")
                .append(a.getLogTotal())
                .append(" vm-log entries\n");
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
        out.append("  diagnosis: ").append(diagnosis(c, a)).append('\n');
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
        if (a.getMatch() == CoredumpMatch.contains) {
            if (!a.getPopulated()) {
                return "a VA covers the address but its page has no PTE (the BO was purged or evicted)";
            }
            if (c.getFault().getWrite() && readOnly(c, a.getVa())) {
                return "write to a GPU_READONLY buffer";
            }
            return "the address is mapped: the mapping state does not explain the fault";
        }
        if (last != null && !"map".equals(last.getOp())) {
            return "use after unmap: the page was last unmapped by seq "
                    + Long.toUnsignedString(last.getSeq())
                    + " at "
                    + time(last.getTs())
                    + " ("
                    + last.getOp()
                    + ", queue "
                    + last.getQueue()
                    + ")";
        }
        if (last != null) {
            return "no VA covers the address, yet the newest entry touching it is a map (seq "
                    + Long.toUnsignedString(last.getSeq())
                    + ")";
        }
        if (c.getVmLog() == null && a.getLogTotal() == 0) {
            return "no VA covers the address; the VM keeps no log to tell whether it was ever mapped";
        }
        if (a.getSearched() < a.getLogTotal()) {
            return "no VA covers the address and none of the newest "
                    + a.getSearched()
                    + " vm-log entries touched it";
        }
        return "no VA covers the address and it was never mapped in this VM: a stray address";
    }

    private static boolean readOnly(Coredump c, CoredumpVa va) {
        for (CoredumpBo b : c.getBos()) {
            if (b.getIova() == va.getIova()) {
                return (b.getFlags() & GPU_READONLY) != 0;
            }
        }
        return false;
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
