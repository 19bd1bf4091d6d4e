package io.vmledger.bench;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.ledger.InMemoryLedger;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * A plain (non-JMH) companion of {@link FoldBenchmark} that reports CPU time next to wall time, for
 * machines where other processes compete for the cores: JMH scores are wall-clock and fall when the
 * benchmark thread is descheduled; the process CPU time (mutator, GC and JIT threads) and the
 * benchmark thread's CPU time do not. Same workloads: the realistic mix into a fresh ledger per
 * round, and MAP+UNMAP pairs on pre-filled VMs.
 *
 * <p>Run: {@code java -Xms4g -Xmx8g -cp benchmarks/target/benchmarks.jar
 * io.vmledger.bench.CpuTimeRunner [mix|pairs|all] [rounds]}.
 */
public final class CpuTimeRunner {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CpuTimeRunner() {}

    /** Entry point. */
    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (!what.equals("pairs")) {
            mix(rounds);
        }
        if (!what.equals("mix")) {
            for (int n : new int[] {1_000, 10_000, 100_000, 1_000_000}) {
                pairs(n, rounds);
            }
        }
    }

    /** Wall ns, process CPU ns and thread CPU ns at one instant. */
    private static long[] now() {
        return new long[] {
            System.nanoTime(), OS.getProcessCpuTime(), THREADS.getCurrentThreadCpuTime()
        };
    }

    private static void mix(int rounds) {
        List<TraceGenerator.TracedEvent> trace =
                new TraceGenerator(TraceGenerator.Config.realistic(4, FoldBenchmark.MIX_EVENTS, 42))
                        .generate();
        TraceValidator.check(trace, FoldConfig.DEFAULT).requireAllOk();
        int n = trace.size();
        System.out.printf(
                "mix: %d events, 4 devices, fresh ledger per round; events/s by wall, process CPU, thread CPU%n",
                n);
        for (int r = -3; r < rounds; r++) {
            long[] a = now();
            InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
            for (TraceGenerator.TracedEvent t : trace) {
                ledger.apply(t.device(), t.seq(), t.ts(), t.event());
            }
            long[] b = now();
            print(r < 0 ? "warmup" : "round " + r, n, a, b, "events/s");
        }
    }

    private static void pairs(int vas, int rounds) {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        long seq = 0;
        for (Event e : PrefillPlan.setup(vas)) {
            check(ledger.apply(PrefillPlan.DEVICE, ++seq, null, e).outcome());
        }
        Event.VmBind[][] p = PrefillPlan.pairs(vas, 1 << 14);
        final int perRound = 100_000;
        System.out.printf(
                "pairs on %d VAs: %d pairs per round; ns per pair by wall, process CPU, thread CPU%n",
                vas, perRound);
        int k = 0;
        for (int r = -3; r < rounds; r++) {
            long[] a = now();
            for (int i = 0; i < perRound; i++) {
                int j = k++ & ((1 << 14) - 1);
                check(ledger.apply(PrefillPlan.DEVICE, ++seq, null, p[0][j]).outcome());
                check(ledger.apply(PrefillPlan.DEVICE, ++seq, null, p[1][j]).outcome());
            }
            long[] b = now();
            print(r < 0 ? "warmup" : "round " + r, perRound, a, b, "ns/pair");
        }
    }

    private static void print(String label, int ops, long[] a, long[] b, String unit) {
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            double ns = b[i] - a[i];
            v[i] = unit.equals("events/s") ? ops / (ns / 1e9) : ns / ops;
        }
        System.out.printf(
                "  %-8s wall %10.0f  process-cpu %10.0f  thread-cpu %10.0f %s%n",
                label, v[0], v[1], v[2], unit);
    }

    private static void check(Outcome o) {
        if (o.status() != Status.OK) {
            throw new IllegalStateException("not OK: " + o);
        }
    }
}
