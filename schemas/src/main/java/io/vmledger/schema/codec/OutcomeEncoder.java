package io.vmledger.schema.codec;

import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.PtOp;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.OpOutcome;
import io.vmledger.schema.PtOpKind;
import io.vmledger.schema.Status;
import io.vmledger.schema.Step;
import io.vmledger.schema.StepKind;
import io.vmledger.schema.Va;
import java.util.ArrayList;
import java.util.List;

/** Adapts the domain core's {@link Outcome} to the Avro ledger record {@link LedgerEntry}. */
public final class OutcomeEncoder {
    private OutcomeEncoder() {}

    /** The ledger entry of an outcome. */
    public static LedgerEntry encode(Outcome o) {
        LedgerEntry.Builder b =
                LedgerEntry.newBuilder()
                        .setDevice(o.device())
                        .setSeq(o.seq())
                        .setType(o.type())
                        .setTs(o.ts())
                        .setStatus(status(o.status()))
                        .setErrno(o.errno() == null ? null : o.errno().name())
                        .setReason(o.reason())
                        .setPreallocPages(o.preallocPages())
                        .setPreallocUsed(o.preallocUsed());
        if (o.ops() != null) {
            List<OpOutcome> ops = new ArrayList<>(o.ops().size());
            for (OpResult r : o.ops()) {
                ops.add(op(r));
            }
            b.setOps(ops);
        }
        List<io.vmledger.schema.Effect> effects = new ArrayList<>(o.effects().size());
        for (Effect e : o.effects()) {
            effects.add(
                    new io.vmledger.schema.Effect(
                            e.kind().label(),
                            e.vm(),
                            e.bo(),
                            e.iova(),
                            e.range(),
                            e.reason(),
                            e.count()));
        }
        return b.setEffects(effects).build();
    }

    /**
     * The Avro status of {@code s}, by name: the ledger carries it as the index of its symbol in
     * the schema's list (the schema's contract), never as the domain ordinal.
     */
    private static Status status(io.vmledger.core.fold.Status s) {
        return switch (s) {
            case OK -> Status.ok;
            case ERROR -> Status.error;
            case DUPLICATE -> Status.duplicate;
            case BAD_EVENT -> Status.bad_event;
        };
    }

    /**
     * A bad input line: not decoded into an event; {@code device} and {@code seq} when they could
     * be read.
     */
    public static LedgerEntry badEvent(long line, String reason, String device, Long seq) {
        return LedgerEntry.newBuilder()
                .setStatus(Status.bad_event)
                .setLine(line)
                .setReason(reason)
                .setDevice(device)
                .setSeq(seq)
                .build();
    }

    private static OpOutcome op(OpResult r) {
        List<Step> steps = new ArrayList<>(r.steps().size());
        for (SplitStep s : r.steps()) {
            steps.add(step(s));
        }
        List<io.vmledger.schema.PtOp> pt = new ArrayList<>(r.pt().size());
        for (PtOp p : r.pt()) {
            pt.add(
                    p.map()
                            ? new io.vmledger.schema.PtOp(
                                    PtOpKind.map, p.iova(), p.range(), p.bo(), p.offset())
                            : new io.vmledger.schema.PtOp(
                                    PtOpKind.unmap, p.iova(), p.range(), null, null));
        }
        return new OpOutcome(r.index(), steps, pt);
    }

    private static Step step(SplitStep s) {
        if (s instanceof SplitStep.Map m) {
            return new Step(StepKind.map, va(m.va()), null, null, null, null);
        } else if (s instanceof SplitStep.Unmap u) {
            return new Step(StepKind.unmap, va(u.va()), null, u.keep(), null, null);
        }
        SplitStep.Remap r = (SplitStep.Remap) s;
        return new Step(StepKind.remap, null, va(r.unmap()), r.keep(), va(r.prev()), va(r.next()));
    }

    /** The Avro form of a VA (null for null). */
    public static Va va(io.vmledger.core.gpuvm.Va v) {
        return v == null ? null : new Va(v.addr(), v.range(), v.bo(), v.offset(), v.dump());
    }
}
