package io.vmledger.bench;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.msm.DeviceFold;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the state-table work the fold does, with {@link CountingTables} instead of a profiler:
 * table calls, cursor entries and key comparisons per event of the realistic mix, and per MAP+UNMAP
 * pair on pre-filled VMs of growing size (comparisons growing with log2 n, calls constant, is the
 * O(log n) signature, separate from cache effects that wall-clock time shows).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.vmledger.bench.OpCountProbe
 * [mix|pairs|all]}.
 */
public final class OpCountProbe {
    private OpCountProbe() {}

    /**
     * Entry point; the argument selects {@code mix}, {@code pairs} or {@code all} (the default).
     */
    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        if (!what.equals("pairs")) {
            mix();
        }
        if (!what.equals("mix")) {
            pairs(new int[] {1_000, 10_000, 100_000, 1_000_000});
        }
    }

    private static void mix() {
        List<TraceGenerator.TracedEvent> trace =
                new TraceGenerator(TraceGenerator.Config.realistic(4, FoldBenchmark.MIX_EVENTS, 42))
                        .generate();
        DeviceFold fold = new DeviceFold(FoldConfig.DEFAULT);
        Map<String, CountingTables> devices = new TreeMap<>();
        Map<String, long[]> byType = new TreeMap<>();
        for (TraceGenerator.TracedEvent t : trace) {
            CountingTables tables = devices.computeIfAbsent(t.device(), d -> new CountingTables());
            CountingTables.Counts before = tables.total();
            Outcome o = fold.apply(t.device(), t.seq(), t.ts(), t.event(), tables.device());
            if (o.status() != Status.OK) {
                throw new IllegalStateException("not OK: " + o);
            }
            CountingTables.Counts after = tables.total();
            long[] acc = byType.computeIfAbsent(t.event().type(), k -> new long[4]);
            acc[0]++;
            acc[1] += after.calls() - before.calls();
            acc[2] += after.compares - before.compares;
            acc[3] += after.scanned - before.scanned;
        }
        int n = trace.size();
        System.out.printf("mix: %d events over %d devices%n", n, devices.size());
        System.out.printf(
                "  %-16s %8s %12s %14s %12s%n",
                "event type", "count", "calls/event", "compares/event", "scanned/event");
        byType.forEach(
                (type, a) ->
                        System.out.printf(
                                "  %-16s %8d %12.1f %14.1f %12.1f%n",
                                type,
                                a[0],
                                (double) a[1] / a[0],
                                (double) a[2] / a[0],
                                (double) a[3] / a[0]));
        Map<String, long[]> perTable = new java.util.LinkedHashMap<>();
        for (CountingTables tables : devices.values()) {
            tables.tables()
                    .forEach(
                            (name, tab) -> {
                                long[] acc = perTable.computeIfAbsent(name, k -> new long[8]);
                                CountingTables.Counts c = tab.counts();
                                acc[0] += c.gets;
                                acc[1] += c.puts;
                                acc[2] += c.deletes;
                                acc[3] += c.ranges;
                                acc[4] += c.floors;
                                acc[5] += c.scanned;
                                acc[6] += c.compares;
                                acc[7] += tab.size();
                            });
        }
        System.out.printf("  per table, per event (all %d events):%n", n);
        System.out.printf(
                "  %-10s %7s %7s %7s %7s %7s %8s %9s %10s%n",
                "table",
                "get",
                "put",
                "delete",
                "range",
                "floor",
                "scanned",
                "compares",
                "final size");
        perTable.forEach(
                (name, a) -> {
                    if (a[0] + a[1] + a[2] + a[3] + a[4] > 0) {
                        System.out.printf(
                                "  %-10s %7.2f %7.2f %7.2f %7.2f %7.2f %8.2f %9.1f %10d%n",
                                name,
                                (double) a[0] / n,
                                (double) a[1] / n,
                                (double) a[2] / n,
                                (double) a[3] / n,
                                (double) a[4] / n,
                                (double) a[5] / n,
                                (double) a[6] / n,
                                a[7]);
                    }
                });
    }

    private static void pairs(int[] sizes) {
        final int pairs = 4096;
        System.out.printf(
                "pairs: one MAP + one UNMAP ioctl of a free page, %d pairs per VM size%n", pairs);
        System.out.printf(
                "  %9s %11s %13s %13s  %s%n",
                "VAs", "calls/pair", "compares/pair", "log2(VAs)", "compares/pair by table");
        for (int n : sizes) {
            CountingTables tables = new CountingTables();
            DeviceFold fold = new DeviceFold(FoldConfig.DEFAULT);
            long seq = 0;
            for (Event e : PrefillPlan.setup(n)) {
                check(fold.apply(PrefillPlan.DEVICE, ++seq, null, e, tables.device()));
            }
            Event.VmBind[][] p = PrefillPlan.pairs(n, pairs);
            List<CountingTables.Counts> before = tables.snapshot();
            CountingTables.Counts b = tables.total();
            for (int i = 0; i < pairs; i++) {
                check(fold.apply(PrefillPlan.DEVICE, ++seq, null, p[0][i], tables.device()));
                check(fold.apply(PrefillPlan.DEVICE, ++seq, null, p[1][i], tables.device()));
            }
            CountingTables.Counts a = tables.total();
            List<CountingTables.Counts> after = tables.snapshot();
            Map<String, Double> byTable = new HashMap<>();
            StringBuilder sb = new StringBuilder();
            int i = 0;
            for (String name : tables.tables().keySet()) {
                long d = after.get(i).compares - before.get(i).compares;
                if (d > 0) {
                    byTable.put(name, (double) d / pairs);
                    sb.append(String.format("%s=%.0f ", name, (double) d / pairs));
                }
                i++;
            }
            System.out.printf(
                    "  %9d %11.1f %13.1f %13.1f  %s%n",
                    n,
                    (double) (a.calls() - b.calls()) / pairs,
                    (double) (a.compares - b.compares) / pairs,
                    Math.log(n) / Math.log(2),
                    sb.toString().trim());
        }
    }

    private static void check(Outcome o) {
        if (o.status() != Status.OK) {
            throw new IllegalStateException("not OK: " + o);
        }
    }
}
