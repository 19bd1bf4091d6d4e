package io.vmledger.cli;

import io.vmledger.schema.Status;
import java.util.EnumMap;
import java.util.Map;

/** How many input records ended in each status: every input is counted exactly once. */
final class ReplayCounts {
    private final Map<Status, Long> counts = new EnumMap<>(Status.class);
    private long total;

    void add(Status s) {
        counts.merge(s, 1L, Long::sum);
        total++;
    }

    long total() {
        return total;
    }

    long get(Status s) {
        return counts.getOrDefault(s, 0L);
    }

    @Override
    public String toString() {
        return total
                + " events: "
                + get(Status.ok)
                + " ok, "
                + get(Status.error)
                + " error, "
                + get(Status.duplicate)
                + " duplicate, "
                + get(Status.bad_event)
                + " bad_event";
    }
}
