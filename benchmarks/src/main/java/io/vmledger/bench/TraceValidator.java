package io.vmledger.bench;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds a generated trace once into a fresh {@link InMemoryLedger} and checks that it is valid:
 * every outcome {@link Status#OK}, no VM made unusable, no kernel quirk hit. It also counts what
 * the trace exercises (event types, op kinds, split steps, final VM sizes) so that the benchmark
 * can print its mix.
 */
public final class TraceValidator {
    private TraceValidator() {}

    /**
     * What one validation fold saw.
     *
     * @param events events folded
     * @param byType event count per trace type
     * @param byStatus outcome count per status
     * @param problems the first problems found (non-OK outcomes, VM_UNUSABLE, KERNEL_QUIRK)
     * @param problemCount total number of problems
     * @param ops VM_BIND ops, by kind ({@code map}, {@code map_null}, {@code unmap}, {@code dump})
     * @param steps gpuvm steps, by kind ({@code map}, {@code unmap}, {@code unmap_keep}, {@code
     *     remap}, {@code remap_split}: a remap with both remainders)
     * @param finalVas VAs over all VMs of all devices at the end
     * @param maxVmVas VAs of the largest VM at the end
     */
    public record Report(
            int events,
            Map<String, Long> byType,
            Map<Status, Long> byStatus,
            List<String> problems,
            long problemCount,
            Map<String, Long> ops,
            Map<String, Long> steps,
            long finalVas,
            long maxVmVas) {

        /** Throws when any problem was found. */
        public Report requireAllOk() {
            if (problemCount != 0) {
                throw new IllegalStateException(
                        problemCount
                                + " invalid outcomes in the generated trace, first: "
                                + String.join(" | ", problems));
            }
            return this;
        }

        /** A few lines describing the mix. */
        public String summary() {
            long vmBinds = byType.getOrDefault("vm_bind", 0L);
            long opTotal =
                    ops.getOrDefault("map", 0L)
                            + ops.getOrDefault("map_null", 0L)
                            + ops.getOrDefault("unmap", 0L);
            StringBuilder sb = new StringBuilder();
            sb.append("trace: ")
                    .append(events)
                    .append(" events, statuses ")
                    .append(byStatus)
                    .append(", problems ")
                    .append(problemCount)
                    .append('\n');
            sb.append("  types: ").append(byType).append('\n');
            sb.append(
                    String.format(
                            "  vm_bind ops: %s (%.2f ops/ioctl)%n",
                            ops, vmBinds == 0 ? 0.0 : (double) opTotal / vmBinds));
            sb.append("  gpuvm steps: ").append(steps).append('\n');
            sb.append("  final VAs: ")
                    .append(finalVas)
                    .append(" in all VMs, largest VM ")
                    .append(maxVmVas);
            return sb.toString();
        }
    }

    /** Folds {@code trace} with {@code config} and reports what happened. */
    public static Report check(List<TraceGenerator.TracedEvent> trace, FoldConfig config) {
        InMemoryLedger ledger = new InMemoryLedger(config);
        Map<String, Long> byType = new TreeMap<>();
        Map<Status, Long> byStatus = new TreeMap<>();
        Map<String, Long> ops = new TreeMap<>();
        Map<String, Long> steps = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long problemCount = 0;
        for (TraceGenerator.TracedEvent t : trace) {
            Event e = t.event();
            byType.merge(e.type(), 1L, Long::sum);
            if (e instanceof Event.VmBind b) {
                for (VmBindOp op : b.ops()) {
                    ops.merge(
                            op.op() == VmBindOp.MAP
                                    ? "map"
                                    : op.op() == VmBindOp.MAP_NULL ? "map_null" : "unmap",
                            1L,
                            Long::sum);
                    if (op.dump()) {
                        ops.merge("dump", 1L, Long::sum);
                    }
                }
            }
            Outcome o = ledger.apply(t.device(), t.seq(), t.ts(), e).outcome();
            byStatus.merge(o.status(), 1L, Long::sum);
            String problem = null;
            if (o.status() != Status.OK) {
                problem = o.status() + " " + o.errno() + " " + o.reason();
            } else {
                for (Effect eff : o.effects()) {
                    if (eff.kind() == Effect.Kind.VM_UNUSABLE
                            || eff.kind() == Effect.Kind.KERNEL_QUIRK) {
                        problem = eff.kind().label() + " " + eff.reason();
                        break;
                    }
                }
            }
            if (problem != null) {
                problemCount++;
                if (problems.size() < 5) {
                    problems.add(t.device() + "#" + t.seq() + " " + e + ": " + problem);
                }
            }
            if (o.ops() != null) {
                for (OpResult r : o.ops()) {
                    for (SplitStep s : r.steps()) {
                        String kind;
                        if (s instanceof SplitStep.Map) {
                            kind = "map";
                        } else if (s instanceof SplitStep.Unmap u) {
                            kind = u.keep() ? "unmap_keep" : "unmap";
                        } else {
                            SplitStep.Remap rm = (SplitStep.Remap) s;
                            kind = rm.prev() != null && rm.next() != null ? "remap_split" : "remap";
                        }
                        steps.merge(kind, 1L, Long::sum);
                    }
                }
            }
        }
        long finalVas = 0;
        long maxVmVas = 0;
        for (DeviceQueries q : ledger.devices().values()) {
            for (VmView v : q.vms()) {
                finalVas += v.vas().size();
                maxVmVas = Math.max(maxVmVas, v.vas().size());
            }
        }
        return new Report(
                trace.size(),
                byType,
                byStatus,
                problems,
                problemCount,
                ops,
                steps,
                finalVas,
                maxVmVas);
    }

    /**
     * Generates and checks a trace from the command line: {@code java -cp benchmarks.jar
     * io.vmledger.bench.TraceValidator [devices] [events] [seed]}.
     */
    public static void main(String[] args) {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        long t0 = System.nanoTime();
        List<TraceGenerator.TracedEvent> trace =
                new TraceGenerator(TraceGenerator.Config.realistic(devices, events, seed))
                        .generate();
        long t1 = System.nanoTime();
        Report r = check(trace, FoldConfig.DEFAULT);
        long t2 = System.nanoTime();
        System.out.println(r.summary());
        System.out.printf(
                "generated in %.1f ms, validated (one cold fold) in %.1f ms%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        r.requireAllOk();
    }
}
