package io.vmledger.bench;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.msm.DeviceFold;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.DeviceTables;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH benchmarks of the fold, single-threaded.
 *
 * <ul>
 *   <li>{@link #foldMix}: throughput, in events/s, of folding a pre-generated realistic mix of
 *       {@value #MIX_EVENTS} events ({@link TraceGenerator}) over several devices with the kernel
 *       model ({@code DeviceFold}); {@link #facadeMix}: the same through the core's façade ({@code
 *       InMemoryLedger}: the model plus the alert rules and dump capture). Every invocation folds
 *       the whole batch into fresh state (empty tables are negligible next to the batch), because a
 *       trace can only be folded once: re-folding it would only hit the duplicate-seq check.
 *   <li>{@link #mapUnmapPair}: average time of one VM_BIND MAP ioctl of a 4 KiB page plus the
 *       VM_BIND UNMAP ioctl of it, on a VM pre-filled with {@code vas} VAs (1e3..1e6). The VM holds
 *       one 4 KiB VA on every other page, all mapping page 0 of one BO; each pair targets a random
 *       free page between two of them, so the VA count is back to {@code vas} after every pair.
 *       Per-op cost that stays flat over VM sizes shows O(log n) behaviour.
 * </ul>
 *
 * Both set-ups verify that every event they fold is accepted (status OK, no VM made unusable) and
 * throw otherwise.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms4g", "-Xmx8g"})
public class FoldBenchmark {
    /** Events per {@link #foldMix} invocation. */
    public static final int MIX_EVENTS = 50_000;

    /** The pre-generated realistic mix. */
    @State(Scope.Benchmark)
    public static class Mix {
        /** Number of devices in the trace. */
        @Param({"4"})
        public int devices;

        /** Generator seed. */
        @Param({"42"})
        public long seed;

        /** msm {@code vm_log_shift}; 8 is {@code FoldConfig.DEFAULT}, 0 turns the VM log off. */
        @Param({"8"})
        public int vmLogShift;

        FoldConfig config;
        String[] device;
        long[] seq;
        Long[] ts;
        Event[] events;

        /** Generates the trace, folds it once and throws unless every event is valid. */
        @Setup(Level.Trial)
        public void setup() {
            config = new FoldConfig(vmLogShift);
            List<TraceGenerator.TracedEvent> trace =
                    new TraceGenerator(TraceGenerator.Config.realistic(devices, MIX_EVENTS, seed))
                            .generate();
            TraceValidator.Report report = TraceValidator.check(trace, config).requireAllOk();
            System.out.println();
            System.out.println(report.summary());
            int n = trace.size();
            device = new String[n];
            seq = new long[n];
            ts = new Long[n];
            events = new Event[n];
            for (int i = 0; i < n; i++) {
                TraceGenerator.TracedEvent t = trace.get(i);
                device[i] = t.device();
                seq[i] = t.seq();
                ts[i] = t.ts();
                events[i] = t.event();
            }
        }
    }

    /**
     * Folds the whole mix with the kernel model alone ({@link DeviceFold}, one in-memory {@link
     * DeviceTables} per device); the score is events/s. This is the fold the earlier numbers
     * measured.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MIX_EVENTS)
    public Map<String, DeviceTables> foldMix(Mix s, Blackhole bh) {
        DeviceFold fold = new DeviceFold(s.config);
        Map<String, DeviceTables> devices = new TreeMap<>();
        String[] device = s.device;
        Event[] events = s.events;
        for (int i = 0; i < events.length; i++) {
            DeviceTables tables = devices.computeIfAbsent(device[i], d -> DeviceTables.inMemory());
            bh.consume(fold.apply(device[i], s.seq[i], s.ts[i], events[i], tables));
        }
        return devices;
    }

    /**
     * Folds the whole mix through the core's façade ({@link InMemoryLedger}: the kernel model, the
     * alert rules, dump capture, sweeps every 5 s of device time), what the engine runs per event;
     * the score is events/s.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MIX_EVENTS)
    public InMemoryLedger facadeMix(Mix s, Blackhole bh) {
        InMemoryLedger ledger = new InMemoryLedger(s.config);
        String[] device = s.device;
        Event[] events = s.events;
        for (int i = 0; i < events.length; i++) {
            bh.consume(ledger.apply(device[i], s.seq[i], s.ts[i], events[i]));
        }
        return ledger;
    }

    /**
     * A VM pre-filled with {@code vas} 4 KiB VAs ({@link PrefillPlan}) and the pre-built measured
     * ioctls.
     */
    @State(Scope.Benchmark)
    public static class PrefilledVm {
        static final int TARGETS = 1 << 14;

        /** VAs in the VM before the measured pairs. */
        @Param({"1000", "10000", "100000", "1000000"})
        public int vas;

        /** msm {@code vm_log_shift}; 8 is {@code FoldConfig.DEFAULT}, 0 turns the VM log off. */
        @Param({"8"})
        public int vmLogShift;

        InMemoryLedger ledger;
        long seq;
        Event.VmBind[] maps;
        Event.VmBind[] unmaps;
        int next;

        /**
         * Builds the pre-filled VM with big multi-op ioctls, checks that every set-up event and a
         * few trial pairs are accepted cleanly and that the VM has exactly {@code vas} VAs.
         */
        @Setup(Level.Trial)
        public void setup() {
            ledger = new InMemoryLedger(new FoldConfig(vmLogShift));
            seq = 0;
            List<Event> setup = PrefillPlan.setup(vas);
            long t0 = System.nanoTime();
            for (Event e : setup) {
                ok(e);
            }
            long t1 = System.nanoTime();
            Event.VmBind[][] pairs = PrefillPlan.pairs(vas, TARGETS);
            maps = pairs[0];
            unmaps = pairs[1];
            for (int i = 0; i < 64; i++) {
                ok(maps[i]);
                ok(unmaps[i]);
            }
            VmView vm = ledger.devices().get(PrefillPlan.DEVICE).vms().get(0);
            if (vm.vas().size() != vas) {
                throw new IllegalStateException(
                        "expected " + vas + " VAs, found " + vm.vas().size());
            }
            System.out.printf("%nprefilled %d VAs in %.1f ms%n", vas, (t1 - t0) / 1e6);
        }

        Outcome apply(Event e) {
            return ledger.apply(PrefillPlan.DEVICE, ++seq, null, e).outcome();
        }

        private void ok(Event e) {
            Outcome o = apply(e);
            if (o.status() != Status.OK || !o.effects().isEmpty()) {
                throw new IllegalStateException("set-up event not accepted cleanly: " + o);
            }
        }
    }

    /** One MAP ioctl and one UNMAP ioctl of a free 4 KiB page in a VM of {@code vas} VAs. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Outcome mapUnmapPair(PrefilledVm s, Blackhole bh) {
        int i = s.next++ & (PrefilledVm.TARGETS - 1);
        Outcome map = s.apply(s.maps[i]);
        Outcome unmap = s.apply(s.unmaps[i]);
        if (map.status() != Status.OK || unmap.status() != Status.OK) {
            throw new IllegalStateException("measured pair not accepted: " + map + " / " + unmap);
        }
        bh.consume(map);
        return unmap;
    }
}
