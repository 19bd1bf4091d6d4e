package io.vmledger.engine.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vmledger.schema.Status;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The engine's own metrics: input records by how they were accounted for (every record is applied,
 * rejected with an errno, a duplicate, or dead-lettered), as {@code
 * vmledger_records_total{outcome=...}}.
 */
public final class LedgerCounters {
    private final Map<Status, Counter> byStatus = new EnumMap<>(Status.class);
    private final Counter deadLettered;
    private final LongAdder folded = new LongAdder();

    /** The working sets of the tasks open now (one per task; gauges sum them). */
    private final Set<WorkingSet> workingSets = ConcurrentHashMap.newKeySet();

    public LedgerCounters(MeterRegistry registry) {
        Gauge.builder("vmledger.working.set.devices", () -> sum(WorkingSet::devices))
                .description("Devices whose state the fold holds in the heap")
                .register(registry);
        Gauge.builder("vmledger.working.set.entries", () -> sum(WorkingSet::entries))
                .description("Table entries the fold holds in the heap")
                .register(registry);
        Gauge.builder("vmledger.working.set.loads", () -> sum(WorkingSet::loads))
                .description("Devices loaded from the stores into the heap by the open tasks")
                .register(registry);
        Gauge.builder("vmledger.working.set.evictions", () -> sum(WorkingSet::evictions))
                .description("Devices evicted from the heap by the open tasks")
                .register(registry);
        Gauge.builder("vmledger.working.set.spilled", () -> sum(WorkingSet::spilled))
                .description("Devices folding over the stores, out of the heap budget")
                .register(registry);
        Gauge.builder("vmledger.working.set.spilled.events", () -> sum(WorkingSet::spilledEvents))
                .description("Events the open tasks folded over the stores (spilled devices)")
                .register(registry);
        for (Status s : Status.values()) {
            byStatus.put(
                    s,
                    Counter.builder("vmledger.records")
                            .tag("outcome", s.name())
                            .description("Input records by outcome")
                            .register(registry));
        }
        deadLettered =
                Counter.builder("vmledger.records")
                        .tag("outcome", "dead_letter")
                        .description("Input records by outcome")
                        .register(registry);
    }

    void outcome(Status status) {
        byStatus.get(status).increment();
        folded.increment();
    }

    void deadLetter() {
        deadLettered.increment();
        folded.increment();
    }

    /** Reports {@code set} in the working-set gauges until {@link #unwatch}. */
    void watch(WorkingSet set) {
        workingSets.add(set);
    }

    /** Stops reporting {@code set} (its task closed). */
    void unwatch(WorkingSet set) {
        workingSets.remove(set);
    }

    private double sum(ToLongFunction<WorkingSet> f) {
        long n = 0;
        for (WorkingSet w : workingSets) {
            n += f.applyAsLong(w);
        }
        return n;
    }

    /** Input records accounted for so far, whatever their outcome. */
    public long folded() {
        return folded.sum();
    }
}
