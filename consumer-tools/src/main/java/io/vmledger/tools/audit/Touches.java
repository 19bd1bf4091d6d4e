package io.vmledger.tools.audit;

import io.vmledger.core.event.EventSubjects;
import io.vmledger.schema.Effect;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.OpOutcome;
import io.vmledger.schema.PtOp;
import io.vmledger.schema.Step;
import io.vmledger.schema.Va;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which VMs, addresses and BOs a ledger entry touched, from the entry and the event it is the
 * outcome of:
 *
 * <ul>
 *   <li>VMs: every effect's {@code vm}; the event's own VM (a context's {@code file} for vm_bind,
 *       get_iova, gpu_fault, gpu_hang, file_open and file_close; the display VM 0 for fb_prepare,
 *       fb_cleanup and kms_vm).
 *   <li>Addresses: every step VA (map, unmap, remap's unmap/prev/next), page-table op and effect
 *       range, and what the event names: a vm_bind op's range (even if rejected), a fault's or
 *       get_iova's address, a framebuffer's plane addresses.
 *   <li>BOs: the BO of every step VA, page-table op and effect, and every BO the event names.
 * </ul>
 *
 * A range contains X when {@code addr <= X < addr + range} (unsigned); a lone address (no range)
 * contains only itself.
 *
 * @param vm only entries touching this VM, or null
 * @param iova only entries touching this address, or null
 * @param bo only entries touching this BO, or null
 */
public record Touches(Long vm, Long iova, Long bo) {
    /**
     * Whether {@code entry}, the outcome of {@code event}, touched what this asks for (all given
     * criteria).
     */
    public boolean match(LedgerEntry entry, VmEvent event) {
        return (vm == null || vms(entry, event).contains(vm))
                && (iova == null || touchesAddress(entry, event, iova))
                && (bo == null || bos(entry, event).contains(bo));
    }

    /** The VMs {@code entry}, the outcome of {@code event}, touched, ascending. */
    static SortedSet<Long> vms(LedgerEntry entry, VmEvent event) {
        SortedSet<Long> out = new TreeSet<>(Long::compareUnsigned);
        for (Effect e : effects(entry)) {
            if (e.getVm() != null) {
                out.add(e.getVm());
            }
        }
        Long own = subjects(event).vm();
        if (own != null) {
            out.add(own);
        }
        return out;
    }

    private static boolean touchesAddress(LedgerEntry entry, VmEvent event, long x) {
        for (OpOutcome op : ops(entry)) {
            for (Step s : op.getSteps()) {
                if (contains(s.getVa(), x)
                        || contains(s.getUnmap(), x)
                        || contains(s.getPrev(), x)
                        || contains(s.getNext(), x)) {
                    return true;
                }
            }
            for (PtOp pt : op.getPt()) {
                if (contains(pt.getIova(), pt.getRange(), x)) {
                    return true;
                }
            }
        }
        for (Effect e : effects(entry)) {
            if (contains(e, x)) {
                return true;
            }
        }
        EventSubjects named = subjects(event);
        for (long[] r : named.ranges()) {
            if (contains(r[0], r[1], x)) {
                return true;
            }
        }
        return named.addresses().contains(x);
    }

    private static List<Long> bos(LedgerEntry entry, VmEvent event) {
        List<Long> out = new ArrayList<>();
        for (OpOutcome op : ops(entry)) {
            for (Step s : op.getSteps()) {
                for (Va va : new Va[] {s.getVa(), s.getUnmap(), s.getPrev(), s.getNext()}) {
                    if (va != null && va.getBo() != null) {
                        out.add(va.getBo());
                    }
                }
            }
            for (PtOp pt : op.getPt()) {
                if (pt.getBo() != null) {
                    out.add(pt.getBo());
                }
            }
        }
        for (Effect e : effects(entry)) {
            if (e.getBo() != null) {
                out.add(e.getBo());
            }
        }
        out.addAll(subjects(event).bos());
        return out;
    }

    /** What the event names by its own fields (the domain core's one definition of it). */
    private static EventSubjects subjects(VmEvent event) {
        return EventSubjects.of(EventDecoder.decode(event));
    }

    /** The ops of {@code entry}, none if it has no ops. */
    static List<OpOutcome> ops(LedgerEntry entry) {
        return entry.getOps() == null ? List.of() : entry.getOps();
    }

    /** The effects of {@code entry}, none if it has none. */
    static List<Effect> effects(LedgerEntry entry) {
        return entry.getEffects() == null ? List.of() : entry.getEffects();
    }

    /** Whether effect {@code e} names an address range (or a lone address) containing {@code x}. */
    static boolean contains(Effect e, long x) {
        return e.getIova() != null
                && contains(e.getIova(), e.getRange() == null ? 1 : e.getRange(), x);
    }

    /** Whether {@code va} is present and contains {@code x}. */
    static boolean contains(Va va, long x) {
        return va != null && contains(va.getAddr(), va.getRange(), x);
    }

    /** Whether {@code [addr, addr + range)} contains {@code x} (unsigned). */
    static boolean contains(long addr, long range, long x) {
        return Long.compareUnsigned(x, addr) >= 0 && Long.compareUnsigned(x - addr, range) < 0;
    }
}
