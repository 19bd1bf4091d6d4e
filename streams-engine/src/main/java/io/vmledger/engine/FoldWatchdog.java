package io.vmledger.engine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vmledger.engine.query.FoldHealth;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Watches whether the fold advances: every {@link #CHECK_EVERY}, on a thread of its own and with an
 * admin client of its own (so a stuck stream thread cannot stop it), it reads the input lag of this
 * instance's active partitions (committed input offsets against the read-committed end of the
 * events topic) and the count of records folded, and judges them by {@link FoldProgress}. {@code
 * /healthz} answers 503 while the fold is stalled, so that a supervisor can restart the instance;
 * {@code /metrics} carries the lag, the age of the last progress and the verdict.
 */
final class FoldWatchdog implements AutoCloseable {
    /** How often lag and progress are read. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final Admin admin;
    private final String group;
    private final String inputTopic;
    private final LongSupplier folded;
    private final FoldProgress progress;
    private final ScheduledExecutorService timer;
    private volatile FoldHealth reading = FoldHealth.UNKNOWN;

    /**
     * @param folded records the fold has accounted for so far (ledger entries and dead letters)
     * @param stall how long input may wait with no record folded before the fold counts as stalled
     */
    FoldWatchdog(
            KafkaStreams streams,
            Admin admin,
            String group,
            String inputTopic,
            LongSupplier folded,
            Duration stall,
            MeterRegistry metrics) {
        this.streams = streams;
        this.admin = admin;
        this.group = group;
        this.inputTopic = inputTopic;
        this.folded = folded;
        this.progress = new FoldProgress(stall, System.nanoTime());
        Gauge.builder("vmledger.input.lag", () -> reading.lag())
                .baseUnit("records")
                .description(
                        "Input records waiting on this instance's active partitions (-1: unknown)")
                .register(metrics);
        Gauge.builder("vmledger.last.progress.age", () -> reading.lastProgressAgeSeconds())
                .baseUnit("seconds")
                .description("Time since the fold last advanced or had nothing waiting")
                .register(metrics);
        Gauge.builder("vmledger.fold.stalled", () -> reading.stalled() ? 1 : 0)
                .description(
                        "1 while input waits and the fold has not advanced for the stall timeout")
                .register(metrics);
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "vmledger-watchdog");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(
                this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the last check found. */
    FoldHealth reading() {
        return reading;
    }

    private void check() {
        try {
            long lag = lag();
            reading =
                    progress.observe(
                            System.nanoTime(),
                            folded.getAsLong(),
                            lag,
                            streams.state() == KafkaStreams.State.RUNNING);
        } catch (RuntimeException e) {
            // the instance is stopping (its metadata is gone): keep the last reading, never die
        }
    }

    /**
     * Input records waiting on this instance's active partitions, or -1 if that cannot be read now.
     */
    private long lag() {
        Set<TopicPartition> mine = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition tp : task.topicPartitions()) {
                    if (tp.topic().equals(inputTopic)) {
                        mine.add(tp);
                    }
                }
            }
        }
        if (mine.isEmpty()) {
            return 0;
        }
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            mine.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                            .all()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long lag = 0;
            for (TopicPartition tp : mine) {
                OffsetAndMetadata c = committed.get(tp);
                lag += Math.max(0, ends.get(tp).offset() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
