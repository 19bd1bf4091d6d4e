package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.engine.query.Unavailable;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks moving between two engine instances mid-stream leave the heap working set, the stores and
 * the committed ledger agreeing. Instance A folds a simulated fleet; at a quarter of the ledger B
 * joins and takes some of A's tasks; at half A leaves and B takes the rest; at three quarters A
 * comes back on its old state directory (stale stores, restored from the changelogs B wrote) and
 * takes tasks back. Events flow all along: a feeder keeps publishing a window ahead of the
 * committed ledger, a narrow one while a move is under way, so that events are in flight when tasks
 * are revoked and reassigned, and every instance goes on folding devices whose state another
 * instance built, from a working set it must load from its restored stores (a heap copy kept from
 * before a move, or stores that missed a revoked task's last writes, would change an outcome). The
 * stream must still be going after the last move. The whole ledger must then equal the in-memory
 * fold's per device (no loss, no duplicate, in seq order) and every device's state, read from the
 * stores of the instance that owns it, its replay state.
 *
 * <p>{@code acceptable.recovery.lag} is raised so that a joining instance counts as caught up and
 * the assignor moves tasks to it at once (by default it would only warm them up and move them in a
 * probing rebalance minutes later).
 */
class TaskMigrationIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 4;

    /** Events the feeder may publish ahead of the committed ledger while no task is moving. */
    private static final int WIDE = 1_000;

    /** The same while tasks move: the stream goes on, slowly, through the rebalance. */
    private static final int NARROW = 32;

    @TempDir Path dir;

    private EmbeddedKafkaBroker broker;
    private Feeder feeder;
    private final List<VmledgerEngine> engines = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        try {
            if (feeder != null) {
                feeder.stop();
            }
        } finally {
            engines.forEach(VmledgerEngine::close);
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void tasksMovedToAnotherInstanceAndBackMidStreamLoseDuplicateAndCorruptNothing()
            throws Exception {
        ReplayReference ref =
                ReplayReference.ofFleet(
                        new SimConfig(12, 12_000, 0, 23, SimConfig.DEFAULT_START, 0.2, 0.01));
        int n = ref.events().size();
        Set<String> devices = new TreeSet<>(ref.ledger().devices().keySet());
        assertEquals(
                PARTITIONS,
                devices.stream().map(d -> Topics.partitionOf(d, PARTITIONS)).distinct().count(),
                "the fleet must have devices on every partition, so that every task has devices to move");
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        Topics topics = Topics.prefixed("migration.", PARTITIONS, (short) 1);
        EngineConfig a = config(topics, "a");
        EngineConfig b = config(topics, "b");

        VmledgerEngine first = started(a);
        feeder = new Feeder(broker.bootstrapServers(), topics, ref.events());
        try (CommittedLedger ledger =
                new CommittedLedger(broker.bootstrapServers(), topics.ledger().name())) {
            ledger.awaitAtLeast(n / 4, WAIT);
            feeder.window(NARROW);
            VmledgerEngine second = started(b);
            awaitTasksSpread(first, second);
            feeder.window(WIDE);

            ledger.awaitAtLeast(n / 2, WAIT);
            feeder.window(NARROW);
            first.close();
            engines.remove(first);
            awaitTasksSpread(second);
            feeder.window(WIDE);

            ledger.awaitAtLeast(3 * n / 4, WAIT);
            feeder.window(NARROW);
            VmledgerEngine again = started(a);
            awaitTasksSpread(again, second);
            assertTrue(
                    feeder.published() < n,
                    "the stream was over before the last move: the fleet is too small");
            feeder.window(WIDE);

            feeder.await();
            CommittedLedger.awaitFolded(broker.bootstrapServers(), a.applicationId(), topics, WAIT);
            CommittedLedger.assertMatches(ref, ledger.readCommitted(WAIT));
            for (String d : devices) {
                assertEquals(
                        ReplayReference.stateLines(d, ref.ledger().devices().get(d)),
                        stateLines(d, again, second),
                        d);
            }
        }
    }

    private EngineConfig config(Topics topics, String instance) {
        return new EngineConfig(
                broker.bootstrapServers(),
                "migration",
                dir.resolve(instance),
                EngineConfig.STALL_TIMEOUT,
                1,
                0,
                topics,
                FoldConfig.DEFAULT,
                EngineTopology.StoreType.ROCKSDB,
                "127.0.0.1",
                0,
                Map.of(
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        "100",
                        StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG,
                        Long.toString(1L << 40)),
                EngineTopology.DEFAULT_SNAPSHOT_EVERY,
                AlertThresholds.DEFAULT,
                EngineTopology.defaultWorkingSetBytes());
    }

    private VmledgerEngine started(EngineConfig config) throws InterruptedException {
        VmledgerEngine e = VmledgerEngine.start(config);
        engines.add(e);
        assertTrue(
                e.awaitRunning(WAIT),
                "instance " + config.stateDir().getFileName() + " did not reach RUNNING");
        return e;
    }

    /**
     * Waits until {@code instances} are all RUNNING, each holds at least one active task, and
     * together they hold each of the {@link #PARTITIONS} tasks exactly once.
     */
    private static void awaitTasksSpread(VmledgerEngine... instances) throws InterruptedException {
        Set<Integer> all = IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet());
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Set<Integer>> held = List.of();
        while (System.nanoTime() - deadline < 0) {
            held = new ArrayList<>();
            boolean running = true;
            for (VmledgerEngine e : instances) {
                running &= e.streams().state() == KafkaStreams.State.RUNNING;
                Set<Integer> tasks = new TreeSet<>();
                for (ThreadMetadata t : e.streams().metadataForLocalThreads()) {
                    t.activeTasks().forEach(task -> tasks.add(task.taskId().partition()));
                }
                held.add(tasks);
            }
            Set<Integer> union = new TreeSet<>();
            held.forEach(union::addAll);
            if (running
                    && union.equals(all)
                    && held.stream().mapToInt(Set::size).sum() == PARTITIONS
                    && held.stream().noneMatch(Set::isEmpty)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "the tasks were not spread over "
                        + instances.length
                        + " instances within "
                        + WAIT
                        + "; active task partitions per instance: "
                        + held);
    }

    /** {@code device}'s state lines read from the stores of whichever instance owns it. */
    private static List<String> stateLines(String device, VmledgerEngine... instances)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "no instance owns it";
        while (System.nanoTime() - deadline < 0) {
            for (VmledgerEngine e : instances) {
                try {
                    Optional<DeviceQueries> q = e.deviceQueries(device);
                    if (q.isPresent()) {
                        return ReplayReference.stateLines(device, q.get());
                    }
                } catch (Unavailable notNow) {
                    last = notNow.getMessage();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "device " + device + "'s state was not readable within " + WAIT + ": " + last);
    }

    /**
     * Publishes the events in order on its own thread, never more than its window ahead of the
     * committed ledger (which it reads itself).
     */
    private static final class Feeder {
        private final AtomicInteger window = new AtomicInteger(WIDE);
        private final AtomicInteger published = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Thread thread;

        Feeder(String bootstrap, Topics topics, List<VmEvent> events) {
            thread =
                    new Thread(
                            () -> {
                                try {
                                    feed(bootstrap, topics, events);
                                    done.complete(null);
                                } catch (Throwable e) {
                                    done.completeExceptionally(e);
                                }
                            },
                            "feeder");
            thread.setDaemon(true);
            thread.start();
        }

        private void feed(String bootstrap, Topics topics, List<VmEvent> events) {
            try (EventPublisher publisher =
                            new EventPublisher(bootstrap, topics.events(), Map.of());
                    CommittedLedger ledger =
                            new CommittedLedger(bootstrap, topics.ledger().name())) {
                int next = 0;
                while (next < events.size() && !stopped.get()) {
                    int committed = ledger.readCommitted(WAIT).size();
                    int upTo = Math.min(events.size(), committed + window.get());
                    if (upTo <= next) {
                        ledger.awaitAtLeast(committed + 1, WAIT);
                        continue;
                    }
                    events.subList(next, upTo).forEach(publisher::send);
                    publisher.flush();
                    next = upTo;
                    published.set(next);
                }
            }
        }

        void window(int events) {
            window.set(events);
        }

        int published() {
            return published.get();
        }

        /** Waits until every event is published; rethrows what stopped the feeder. */
        void await() throws Exception {
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /**
         * Stops publishing (interrupting a wait for the ledger); rethrows what else stopped the
         * feeder.
         */
        void stop() throws Exception {
            stopped.set(true);
            thread.interrupt();
            try {
                await();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof InterruptException)) {
                    throw e;
                }
            }
        }
    }
}
