package io.vmledger.engine.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vmledger.schema.Status;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's own metrics: input records by how they were accounted for (every record is
 * applied, rejected with an errno, a duplicate, or dead-lettered), as
 * {@code vmledger_records_total{outcome=...}}.
 */
public final class LedgerCounters {
    private final Map<Status, Counter> byStatus = new EnumMap<>(Status.class);
    private final Counter deadLettered;
    private final LongAdder folded = new LongAdder();

    public LedgerCounters(MeterRegistry registry) {
        for (Status s : Status.values()) {
            byStatus.put(s, Counter.builder("vmledger.records").tag("outcome", s.name())
                    .description("Input records by outcome").register(registry));
        }
        deadLettered = Counter.builder("vmledger.records").tag("outcome", "dead_letter")
                .description("Input records by outcome").register(registry);
    }

    void outcome(Status status) {
        byStatus.get(status).increment();
        folded.increment();
    }

    void deadLetter() {
        deadLettered.increment();
        folded.increment();
    }

    /** Input records accounted for so far, whatever their outcome. */
    public long folded() {
        return folded.sum();
    }
}
