package io.vmledger.tools.audit;

import io.vmledger.schema.Effect;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.OpOutcome;
import io.vmledger.schema.PtOp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The readable form of an audit ({@code vmledger audit --table}): one row per ledger entry with
 * its event time (UTC, µs), seq, type, status and what it did: the errno and reason of an error,
 * else the page-table operations (op, address range, BO) and the kinds of its effects.
 */
public final class AuditTable {
    private static final String FORMAT = "%-27s %8s %-17s %-9s %s";

    private AuditTable() {
    }

    /** The header row. */
    public static String header() {
        return String.format(Locale.ROOT, FORMAT, "TIME", "SEQ", "TYPE", "STATUS", "WHAT");
    }

    /** The row of {@code e}. */
    public static String row(LedgerEntry e) {
        String time = e.getTs() == null ? "-" : Instant.EPOCH.plus(e.getTs(), ChronoUnit.MICROS).toString();
        return String.format(Locale.ROOT, FORMAT, time, e.getSeq() == null ? "-" : Long.toUnsignedString(e.getSeq()),
                e.getType(), e.getStatus(), what(e));
    }

    private static String what(LedgerEntry e) {
        if (e.getErrno() != null || e.getReason() != null) {
            return (e.getErrno() == null ? "" : e.getErrno() + ": ") + (e.getReason() == null ? "" : e.getReason());
        }
        StringJoiner out = new StringJoiner("; ");
        if (e.getOps() != null) {
            for (OpOutcome op : e.getOps()) {
                for (PtOp pt : op.getPt()) {
                    out.add(pt.getOp() + " 0x" + Long.toHexString(pt.getIova()) + "+0x" + Long.toHexString(pt.getRange())
                            + (pt.getBo() == null ? "" : " bo " + Long.toUnsignedString(pt.getBo())));
                }
            }
        }
        if (e.getEffects() != null) {
            for (Effect f : e.getEffects()) {
                out.add(f.getKind() + (f.getBo() == null ? "" : " bo " + Long.toUnsignedString(f.getBo()))
                        + (f.getVm() == null ? "" : " vm " + Long.toUnsignedString(f.getVm()))
                        + (f.getIova() == null ? "" : " 0x" + Long.toHexString(f.getIova())));
            }
        }
        return out.toString();
    }
}
