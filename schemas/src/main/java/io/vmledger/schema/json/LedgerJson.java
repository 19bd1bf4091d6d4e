package io.vmledger.schema.json;

import io.vmledger.schema.Effect;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.OpOutcome;
import io.vmledger.schema.PtOp;
import io.vmledger.schema.PtOpKind;
import io.vmledger.schema.Status;
import io.vmledger.schema.Step;
import io.vmledger.schema.Va;
import java.util.List;
import java.util.Map;

/**
 * The outcome line of {@code vmledger replay} (trace-and-replay.md sections 2 and 3) for a {@link
 * LedgerEntry}, and its inverse.
 *
 * <p>Key order: a {@code bad_event} prints device and seq (each only if not null), line (if not
 * null), status and reason; a {@code duplicate} prints device, seq, type, ts (if not null) and
 * status; {@code ok} and {@code error} continue with errno, reason, prealloc_pages, prealloc_used
 * and ops (each only if not null) and always effects. So {@code parse(format(e))} equals {@code e}
 * for entries that hold no other fields (e.g. no {@code line} on an {@code ok} entry). Thread-safe.
 */
public final class LedgerJson {

    private static final SchemaCodecs CODECS = new SchemaCodecs(Map.of(), List.of());
    private static final RecordCodec LEDGER = CODECS.record(LedgerEntry.SCHEMA$);
    private static final RecordCodec EFFECT = CODECS.record(Effect.SCHEMA$);

    private LedgerJson() {}

    /** The outcome line of {@code entry}, without line terminator. */
    public static String format(LedgerEntry entry) {
        StringBuilder out = new StringBuilder(256);
        write(entry, out);
        return out.toString();
    }

    /** Appends the outcome line of {@code entry}, without line terminator. */
    public static void write(LedgerEntry entry, StringBuilder out) {
        if (entry.getStatus() == Status.bad_event) {
            writeBadEvent(entry, out);
            return;
        }
        out.append("{\"device\":");
        stringOrNull(entry.getDevice(), out);
        out.append(",\"seq\":");
        u64OrNull(entry.getSeq(), out);
        out.append(",\"type\":");
        stringOrNull(entry.getType(), out);
        if (entry.getTs() != null) {
            out.append(",\"ts\":");
            JsonOut.u64(out, entry.getTs());
        }
        out.append(",\"status\":\"").append(entry.getStatus().name()).append('"');
        if (entry.getStatus() == Status.duplicate) {
            out.append('}');
            return;
        }
        if (entry.getErrno() != null) {
            out.append(",\"errno\":");
            JsonOut.string(out, entry.getErrno());
        }
        if (entry.getReason() != null) {
            out.append(",\"reason\":");
            JsonOut.string(out, entry.getReason());
        }
        if (entry.getPreallocPages() != null) {
            out.append(",\"prealloc_pages\":");
            JsonOut.u64(out, entry.getPreallocPages());
        }
        if (entry.getPreallocUsed() != null) {
            out.append(",\"prealloc_used\":");
            JsonOut.u64(out, entry.getPreallocUsed());
        }
        if (entry.getOps() != null) {
            out.append(",\"ops\":[");
            for (int i = 0; i < entry.getOps().size(); i++) {
                out.append(i == 0 ? "" : ",");
                writeOp(entry.getOps().get(i), out);
            }
            out.append(']');
        }
        out.append(",\"effects\":[");
        for (int i = 0; i < entry.getEffects().size(); i++) {
            out.append(i == 0 ? "" : ",");
            EFFECT.write(entry.getEffects().get(i), out);
        }
        out.append("]}");
    }

    /**
     * Reads an outcome line back (keys in any order, unknown keys ignored, absent optional fields
     * null and absent effects empty).
     *
     * @throws TraceFormatException if it is not an outcome line
     */
    public static LedgerEntry parse(String json) throws TraceFormatException {
        try {
            return (LedgerEntry) LEDGER.readFields(JsonIn.readObject(json));
        } catch (FieldError e) {
            throw new TraceFormatException(e.getMessage());
        }
    }

    private static void writeBadEvent(LedgerEntry entry, StringBuilder out) {
        out.append('{');
        if (entry.getDevice() != null) {
            out.append("\"device\":");
            JsonOut.string(out, entry.getDevice());
            out.append(',');
        }
        if (entry.getSeq() != null) {
            out.append("\"seq\":");
            JsonOut.u64(out, entry.getSeq());
            out.append(',');
        }
        if (entry.getLine() != null) {
            out.append("\"line\":");
            JsonOut.u64(out, entry.getLine());
            out.append(',');
        }
        out.append("\"status\":\"bad_event\"");
        if (entry.getReason() != null) {
            out.append(",\"reason\":");
            JsonOut.string(out, entry.getReason());
        }
        out.append('}');
    }

    private static void writeOp(OpOutcome op, StringBuilder out) {
        out.append("{\"index\":").append(op.getIndex()).append(",\"steps\":[");
        for (int i = 0; i < op.getSteps().size(); i++) {
            out.append(i == 0 ? "" : ",");
            writeStep(op.getSteps().get(i), out);
        }
        out.append("],\"pt\":[");
        for (int i = 0; i < op.getPt().size(); i++) {
            out.append(i == 0 ? "" : ",");
            writePt(op.getPt().get(i), out);
        }
        out.append("]}");
    }

    private static void writeStep(Step step, StringBuilder out) {
        switch (step.getStep()) {
            case map -> {
                out.append("{\"step\":\"map\",\"va\":");
                writeVa(step.getVa(), out);
            }
            case unmap -> {
                out.append("{\"step\":\"unmap\",\"va\":");
                writeVa(step.getVa(), out);
                out.append(",\"keep\":").append(step.getKeep());
            }
            case remap -> {
                out.append("{\"step\":\"remap\",\"unmap\":");
                writeVa(step.getUnmap(), out);
                out.append(",\"keep\":").append(step.getKeep()).append(",\"prev\":");
                writeVa(step.getPrev(), out);
                out.append(",\"next\":");
                writeVa(step.getNext(), out);
            }
        }
        out.append('}');
    }

    /**
     * Appends the VA object of steps and state lines: {@code
     * {"addr","range","bo","offset","dump"}}, or null.
     */
    public static void writeVa(Va va, StringBuilder out) {
        if (va == null) {
            out.append("null");
            return;
        }
        out.append("{\"addr\":");
        JsonOut.u64(out, va.getAddr());
        out.append(",\"range\":");
        JsonOut.u64(out, va.getRange());
        out.append(",\"bo\":");
        u64OrNull(va.getBo(), out);
        out.append(",\"offset\":");
        JsonOut.u64(out, va.getOffset());
        out.append(",\"dump\":").append(va.getDump()).append('}');
    }

    private static void writePt(PtOp pt, StringBuilder out) {
        out.append("{\"op\":\"").append(pt.getOp().name()).append("\",\"iova\":");
        JsonOut.u64(out, pt.getIova());
        out.append(",\"range\":");
        JsonOut.u64(out, pt.getRange());
        if (pt.getOp() == PtOpKind.map) {
            out.append(",\"bo\":");
            u64OrNull(pt.getBo(), out);
            out.append(",\"offset\":");
            u64OrNull(pt.getOffset(), out);
        }
        out.append('}');
    }

    private static void stringOrNull(String s, StringBuilder out) {
        if (s == null) {
            out.append("null");
        } else {
            JsonOut.string(out, s);
        }
    }

    private static void u64OrNull(Long v, StringBuilder out) {
        if (v == null) {
            out.append("null");
        } else {
            JsonOut.u64(out, v);
        }
    }
}
