package io.vmledger.schema.codec;

import io.vmledger.core.dump.CrashState;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpAttribution;
import io.vmledger.schema.CoredumpBo;
import io.vmledger.schema.CoredumpFault;
import io.vmledger.schema.CoredumpLogEntry;
import io.vmledger.schema.CoredumpMatch;
import io.vmledger.schema.CoredumpReason;
import io.vmledger.schema.CoredumpTouch;
import io.vmledger.schema.CoredumpVa;
import java.util.ArrayList;
import java.util.List;

/** Adapts the domain core's {@link CrashState} to the Avro coredump record {@link Coredump}. */
public final class CoredumpEncoder {
    private CoredumpEncoder() {}

    /** The coredump record of a crash state. */
    public static Coredump encode(CrashState s) {
        List<CoredumpBo> bos = new ArrayList<>(s.bos().size());
        for (CrashState.Buffer b : s.bos()) {
            bos.add(new CoredumpBo(b.iova(), b.size(), b.flags(), b.name(), b.bo(), b.offset()));
        }
        List<CoredumpLogEntry> log = null;
        if (s.vmLog() != null) {
            log = new ArrayList<>(s.vmLog().size());
            for (VmLogEntry e : s.vmLog()) {
                log.add(new CoredumpLogEntry(e.op(), e.queue(), e.iova(), e.range()));
            }
        }
        CrashState.Fault f = s.fault();
        return Coredump.newBuilder()
                .setDevice(s.device())
                .setSeq(s.seq())
                .setTs(s.ts())
                .setVm(s.vm())
                .setReason(
                        s.reason() == CrashState.Reason.FAULT
                                ? CoredumpReason.fault
                                : CoredumpReason.hang)
                .setVmMode(s.mode().label())
                .setVmUnusable(s.unusable())
                .setFault(
                        f == null
                                ? null
                                : new CoredumpFault(f.iova(), f.write(), f.type(), f.source()))
                .setTtbr0(s.ttbr0())
                .setAsid(s.asid())
                .setPtes(s.ptes())
                .setVmLog(log)
                .setBos(bos)
                .setAttribution(s.attribution() == null ? null : attribution(s.attribution()))
                .build();
    }

    private static CoredumpAttribution attribution(CrashState.Attribution a) {
        List<CoredumpTouch> history = new ArrayList<>(a.history().size());
        for (VmLogRecord r : a.history()) {
            VmLogEntry e = r.entry();
            history.add(new CoredumpTouch(e.op(), e.queue(), e.iova(), e.range(), r.seq(), r.ts()));
        }
        Va va = a.va();
        return new CoredumpAttribution(
                a.iova(),
                match(a.match()),
                va == null
                        ? null
                        : new CoredumpVa(va.addr(), va.range(), va.bo(), a.name(), va.offset()),
                a.populated(),
                history,
                a.searched(),
                a.logTotal());
    }

    /**
     * The Avro match of {@code m}, by name: coredumps carry it as the index of its symbol in the
     * schema's list (the schema's contract), never as the domain ordinal.
     */
    private static CoredumpMatch match(CrashState.Match m) {
        return switch (m) {
            case CONTAINS -> CoredumpMatch.contains;
            case NEAR -> CoredumpMatch.near;
            case NONE -> CoredumpMatch.none;
        };
    }
}
