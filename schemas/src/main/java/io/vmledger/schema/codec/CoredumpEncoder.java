package io.vmledger.schema.codec;

import io.vmledger.core.dump.CrashState;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpAttribution;
import io.vmledger.schema.CoredumpBefore;
import io.vmledger.schema.CoredumpBo;
import io.vmledger.schema.CoredumpFault;
import io.vmledger.schema.CoredumpGpu;
import io.vmledger.schema.CoredumpLogEntry;
import io.vmledger.schema.CoredumpMark;
import io.vmledger.schema.CoredumpMatch;
import io.vmledger.schema.CoredumpReason;
import io.vmledger.schema.CoredumpSubmit;
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
                .setGpu(
                        s.gpu() == null
                                ? null
                                : new CoredumpGpu(
                                        s.gpu().chipId(),
                                        s.gpu().revn(),
                                        s.gpu().name(),
                                        s.gpu().kernel()))
                .setSubmit(
                        s.submit() == null
                                ? null
                                : new CoredumpSubmit(s.submit().queue(), s.submit().submit()))
                .setBosSource(s.bosSource() == CrashState.BosSource.SUBMIT ? "submit" : "vm")
                .setKernelCapture(s.kernelCapture().captured())
                .setKernelCaptureWhy(s.kernelCapture().why())
                .build();
    }

    private static CoredumpAttribution attribution(CrashState.Attribution a) {
        List<CoredumpTouch> history = new ArrayList<>(a.history().size());
        for (VmLogRecord r : a.history()) {
            history.add(touch(r));
        }
        List<CoredumpMark> marks = new ArrayList<>(a.marks().size());
        for (CrashState.Mark m : a.marks()) {
            CrashState.Buffer b = m.buffer();
            marks.add(
                    new CoredumpMark(
                            b.iova(), b.size(), b.bo(), b.name(), b.offset(), match(m.match())));
        }
        CrashState.Mark first = a.marks().isEmpty() ? null : a.marks().get(0);
        Va in = a.containing();
        CrashState.Before before = a.before();
        return CoredumpAttribution.newBuilder()
                .setIova(a.iova())
                .setMatch(first == null ? CoredumpMatch.none : match(first.match()))
                .setVa(
                        first == null
                                ? null
                                : new CoredumpVa(
                                        first.buffer().iova(),
                                        first.buffer().size(),
                                        first.buffer().bo(),
                                        first.buffer().name(),
                                        first.buffer().offset()))
                .setPopulated(a.populated())
                .setHistory(history)
                .setSearched(a.searched())
                .setLogTotal(a.logTotal())
                .setMarks(marks)
                .setContaining(
                        in == null
                                ? null
                                : new CoredumpVa(
                                        in.addr(), in.range(), in.bo(), a.name(), in.offset()))
                .setBefore(
                        before == null
                                ? null
                                : new CoredumpBefore(
                                        before.bo(),
                                        before.name(),
                                        before.offset(),
                                        before.mapSeq(),
                                        touch(before.unmap())))
                .build();
    }

    private static CoredumpTouch touch(VmLogRecord r) {
        VmLogEntry e = r.entry();
        return new CoredumpTouch(e.op(), e.queue(), e.iova(), e.range(), r.seq(), r.ts());
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
