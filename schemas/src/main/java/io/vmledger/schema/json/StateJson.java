package io.vmledger.schema.json;

import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.schema.codec.OutcomeEncoder;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The state lines of {@code vmledger replay --state} (trace-and-replay.md §2): one per VM and one
 * per BO. Fields beyond the contract come last: the VM log's total length and whether the kernel's
 * own extraction would omit the newest entry (§3.8), and a BO's name, flags, madvise state and VMA
 * count.
 */
public final class StateJson {
    private StateJson() {}

    /**
     * Appends {@code device}'s state lines, as {@code replay --state} prints them: its VMs, then
     * its BOs.
     */
    public static void device(String device, DeviceQueries state, Appendable out)
            throws IOException {
        for (VmView vm : state.vms()) {
            out.append(vm(device, vm)).append('\n');
        }
        for (BoRecord bo : state.bos()) {
            out.append(bo(device, bo)).append('\n');
        }
    }

    /** A VM state line. */
    public static String vm(String device, VmView v) {
        return vm(device, v, true);
    }

    /** A VM state line, without the {@code vas} field if {@code withVas} is false. */
    public static String vm(String device, VmView v, boolean withVas) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"state\":\"vm\",\"device\":");
        JsonOut.string(out, device);
        out.append(",\"vm\":");
        JsonOut.u64(out, v.vm().vm());
        out.append(",\"mode\":\"").append(v.vm().mode().label()).append('"');
        out.append(",\"unusable\":").append(v.vm().unusable());
        out.append(",\"closed\":").append(v.vm().closed());
        if (withVas) {
            out.append(",\"vas\":");
            vas(out, v.vas());
        }
        out.append(",\"pagetable\":");
        pagetable(out, v.pagetable());
        out.append(",\"log\":[");
        for (int i = 0; i < v.log().size(); i++) {
            VmLogEntry e = v.log().get(i);
            out.append(i == 0 ? "" : ",").append("{\"op\":");
            JsonOut.string(out, e.op());
            out.append(",\"queue\":");
            JsonOut.u64(out, e.queue());
            out.append(",\"iova\":");
            JsonOut.u64(out, e.iova());
            out.append(",\"range\":");
            JsonOut.u64(out, e.range());
            out.append('}');
        }
        out.append("],\"log_total\":").append(v.logTotal());
        out.append(",\"kernel_log_omits_newest\":").append(v.kernelOmitsNewest()).append('}');
        return out.toString();
    }

    /** Appends {@code vas} as a JSON array of VA objects. */
    public static void vas(StringBuilder out, List<Va> vas) {
        out.append('[');
        for (int i = 0; i < vas.size(); i++) {
            out.append(i == 0 ? "" : ",");
            LedgerJson.writeVa(OutcomeEncoder.va(vas.get(i)), out);
        }
        out.append(']');
    }

    /** A BO state line. */
    public static String bo(String device, BoRecord b) {
        StringBuilder out = new StringBuilder(192);
        out.append("{\"state\":\"bo\",\"device\":");
        JsonOut.string(out, device);
        out.append(",\"bo\":");
        JsonOut.u64(out, b.bo());
        out.append(",\"size\":");
        JsonOut.u64(out, b.size());
        out.append(",\"alive\":")
                .append(b.alive())
                .append(",\"handles\":")
                .append(b.handles())
                .append(",\"dmabufs\":")
                .append(b.dmabufs())
                .append(",\"vma_ref\":")
                .append(b.vmaRef())
                .append(",\"pins\":")
                .append(b.pins())
                .append(",\"vmaps\":")
                .append(b.vmaps())
                .append(",\"vmas\":")
                .append(b.vmas())
                .append(",\"madv\":\"")
                .append(b.madv().name().toLowerCase(Locale.ROOT))
                .append('"')
                .append(",\"flags\":");
        JsonOut.u64(out, b.flags());
        if (b.name() != null) {
            out.append(",\"name\":");
            JsonOut.string(out, b.name());
        }
        return out.append('}').toString();
    }

    /** A VM's page-table counts: {@code {"l1":…,"l2":…,"l3":…,"ptes":…}}. */
    public static void pagetable(StringBuilder out, PageTableStats pt) {
        out.append("{\"l1\":")
                .append(pt.l1())
                .append(",\"l2\":")
                .append(pt.l2())
                .append(",\"l3\":")
                .append(pt.l3())
                .append(",\"ptes\":")
                .append(pt.ptes())
                .append('}');
    }
}
