package io.vmledger.tools.audit;

import io.vmledger.schema.Effect;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.OpOutcome;
import io.vmledger.schema.PtOp;
import io.vmledger.schema.Step;
import io.vmledger.schema.StepKind;
import io.vmledger.schema.Va;
import io.vmledger.schema.VmBind;
import io.vmledger.schema.VmBindOp;
import io.vmledger.schema.json.EventTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The readable form of an audit ({@code vmledger audit --table}): one row per matching ledger entry
 * with its event time (UTC, µs), seq, type, status, the VMs it touched ({@link Touches}) and what
 * it did: the errno and reason of an error, else per VM_BIND op its page-table operations (op,
 * address range, BO), then the kinds of its effects.
 *
 * <p>A VM_BIND op that queued no page-table operation says why: an in-place remap (kernel-semantics
 * §3.5: an identical MAP that keeps the VMA and its PTEs and only sets the DUMP flag) shows the
 * flag change, an UNMAP of a range without VAs says that nothing was mapped there.
 *
 * <p>An audit of one address ({@code --iova}) shows only the page-table operations, in-place remaps
 * and effect ranges containing it; what the entry did elsewhere is counted, not listed.
 */
public final class AuditTable {
    private static final String FORMAT = "%-27s %8s %-17s %-9s %-5s %s";

    /** The audited address, or null when the audit is not about one. */
    private final Long iova;

    /**
     * @param iova the address the audit asks for ({@code --iova}), or null to show everything
     */
    public AuditTable(Long iova) {
        this.iova = iova;
    }

    /** The header row. */
    public static String header() {
        return String.format(Locale.ROOT, FORMAT, "TIME", "SEQ", "TYPE", "STATUS", "VM", "WHAT");
    }

    /** The row of a matching entry. */
    public String row(LedgerAudit.Match m) {
        LedgerEntry e = m.entry();
        String vms =
                Touches.vms(e, m.event()).stream()
                        .map(Long::toUnsignedString)
                        .collect(Collectors.joining(","));
        return String.format(
                Locale.ROOT,
                FORMAT,
                e.getTs() == null ? "-" : EventTime.iso(e.getTs()),
                e.getSeq() == null ? "-" : Long.toUnsignedString(e.getSeq()),
                e.getType(),
                e.getStatus(),
                vms.isEmpty() ? "-" : vms,
                what(m));
    }

    private String what(LedgerAudit.Match m) {
        LedgerEntry e = m.entry();
        if (e.getErrno() != null || e.getReason() != null) {
            return (e.getErrno() == null ? "" : e.getErrno() + ": ")
                    + (e.getReason() == null ? "" : e.getReason());
        }
        StringJoiner out = new StringJoiner("; ");
        int elsewhere = 0;
        for (OpOutcome op : Touches.ops(e)) {
            elsewhere += op(op, m.event().getPayload(), out);
        }
        for (Effect f : Touches.effects(e)) {
            if (f.getIova() != null && !shows(f)) {
                elsewhere++;
                continue;
            }
            out.add(
                    f.getKind()
                            + (f.getBo() == null ? "" : " bo " + Long.toUnsignedString(f.getBo()))
                            + (f.getVm() == null ? "" : " vm " + Long.toUnsignedString(f.getVm()))
                            + (f.getIova() == null ? "" : " 0x" + Long.toHexString(f.getIova())));
        }
        String what = out.toString();
        if (elsewhere == 0) {
            return what;
        }
        return (what.isEmpty() ? "" : what + " ") + "(" + elsewhere + " more at other addresses)";
    }

    /**
     * Adds what VM_BIND op {@code op} did to {@code out}; returns how many of its parts lie
     * elsewhere.
     */
    private int op(OpOutcome op, Object payload, StringJoiner out) {
        List<PtOp> pt = op.getPt();
        if (pt.isEmpty() && remappedInPlace(op.getSteps())) {
            Va before = op.getSteps().get(0).getVa();
            Va after = op.getSteps().get(1).getVa();
            if (!shows(after.getAddr(), after.getRange())) {
                return 1;
            }
            out.add(
                    "remap in place "
                            + range(after.getAddr(), after.getRange())
                            + bo(after.getBo())
                            + ": "
                            + dumpChange(before.getDump(), after.getDump()));
            return 0;
        }
        if (op.getSteps().isEmpty()
                && payload instanceof VmBind bind
                && op.getIndex() < bind.getOps().size()) {
            VmBindOp asked = bind.getOps().get(op.getIndex());
            if (!shows(asked.getIova(), asked.getRange())) {
                return 1;
            }
            out.add("unmap " + range(asked.getIova(), asked.getRange()) + ": nothing mapped there");
            return 0;
        }
        int elsewhere = 0;
        for (PtOp p : pt) {
            if (shows(p.getIova(), p.getRange())) {
                out.add(p.getOp() + " " + range(p.getIova(), p.getRange()) + bo(p.getBo()));
            } else {
                elsewhere++;
            }
        }
        return elsewhere;
    }

    /**
     * Whether {@code steps} are an in-place remap (§3.5) when the op queued no page-table op: an
     * UNMAP with the keep hint of a VA, then a MAP of exactly that VA (address, range, BO, offset).
     */
    private static boolean remappedInPlace(List<Step> steps) {
        if (steps.size() != 2
                || steps.get(0).getStep() != StepKind.unmap
                || steps.get(1).getStep() != StepKind.map
                || !Boolean.TRUE.equals(steps.get(0).getKeep())) {
            return false;
        }
        Va old = steps.get(0).getVa();
        Va now = steps.get(1).getVa();
        return old.getAddr() == now.getAddr()
                && old.getRange() == now.getRange()
                && old.getOffset() == now.getOffset()
                && Objects.equals(old.getBo(), now.getBo());
    }

    private static String dumpChange(boolean before, boolean after) {
        return before == after
                ? "unchanged (dump " + (after ? "on" : "off") + ")"
                : "dump " + (before ? "on" : "off") + " -> " + (after ? "on" : "off");
    }

    private boolean shows(Effect f) {
        return iova == null || Touches.contains(f, iova);
    }

    private boolean shows(long addr, long range) {
        return iova == null || Touches.contains(addr, range, iova);
    }

    private static String range(long addr, long range) {
        return "0x" + Long.toHexString(addr) + "+0x" + Long.toHexString(range);
    }

    private static String bo(Long bo) {
        return bo == null ? "" : " bo " + Long.toUnsignedString(bo);
    }
}
