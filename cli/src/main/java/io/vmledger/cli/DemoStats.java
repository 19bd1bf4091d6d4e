package io.vmledger.cli;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** What the demo pipeline has done so far, updated by its threads and read by the screen. */
final class DemoStats {
    final LongAdder sent = new LongAdder();

    /** Event times (µs) of the earliest and the latest event sent. */
    private final LongAccumulator firstTs = new LongAccumulator(Math::min, Long.MAX_VALUE);

    private final LongAccumulator lastTs = new LongAccumulator(Math::max, Long.MIN_VALUE);
    final LongAdder injectedBugs = new LongAdder();
    final LongAdder folded = new LongAdder();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> warningAlerts = new ConcurrentHashMap<>();
    final Map<String, LongAdder> infoAlerts = new ConcurrentHashMap<>();
    final LongAdder coredumps = new LongAdder();
    final LongAdder unreadable = new LongAdder();
    final AtomicLong devices = new AtomicLong();
    final AtomicLong vas = new AtomicLong();
    final AtomicLong bos = new AtomicLong();

    /** Counts an event sent with event time {@code ts} (µs). */
    void sent(long ts) {
        sent.increment();
        firstTs.accumulate(ts);
        lastTs.accumulate(ts);
    }

    /** The device time (µs) the events sent so far span; 0 before any. */
    long deviceTimeMicros() {
        return sent.sum() == 0 ? 0 : lastTs.get() - firstTs.get();
    }

    /** When the first and the latest ledger entry were read (System.nanoTime, 0 before any). */
    private final AtomicLong firstFoldNanos = new AtomicLong();

    private final AtomicLong lastFoldNanos = new AtomicLong();

    void outcome(String status) {
        long now = System.nanoTime();
        firstFoldNanos.compareAndSet(0, now);
        lastFoldNanos.set(now);
        folded.increment();
        outcomes.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void alert(String rule, boolean warning) {
        (warning ? warningAlerts : infoAlerts)
                .computeIfAbsent(rule, r -> new LongAdder())
                .increment();
    }

    /** Ledger entries per second from the first to the latest one read (0 with fewer than two). */
    double foldRate() {
        double seconds = (lastFoldNanos.get() - firstFoldNanos.get()) / 1e9;
        return seconds > 0 ? (folded.sum() - 1) / seconds : 0;
    }

    long outcomes(String status) {
        LongAdder a = outcomes.get(status);
        return a == null ? 0 : a.sum();
    }

    /** {@code rule count, ...} in rule order, or "none". */
    static String counts(Map<String, LongAdder> byRule) {
        SortedMap<String, Long> sorted = new TreeMap<>();
        byRule.forEach((k, v) -> sorted.put(k, v.sum()));
        if (sorted.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.isEmpty() ? "" : "  ").append(k).append(' ').append(v));
        return b.toString();
    }
}
