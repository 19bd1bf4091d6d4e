package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.engine.CommittedLedger;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.ReplayReference;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} under load: nothing a crash interrupts leaves the engine's heap working set, its
 * stores and the committed ledger disagreeing. {@code vmledger engine} runs as a separate process
 * on a broker in this JVM and folds a simulated fleet; at a third and at two thirds of the
 * committed ledger the process is killed with SIGKILL (no shutdown hook, no commit, no flush: an
 * open transaction, a record cache, a heap working set and RocksDB writes ahead of the last commit
 * are lost or left behind) and started again on the same data directory. The whole ledger (read
 * committed) must then hold exactly the in-memory fold's outcomes, per device in seq order, with
 * none lost or duplicated, and the restarted engine must answer, over HTTP, every VM (page-table
 * counts and VM log included), every VA, every BO and each summary as replay's state.
 *
 * <p>After each kill the dead process is removed from the consumer group, as the expiry of its
 * session would do 45 s later, so that its successor is assigned the tasks at once.
 */
class EngineKillIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long SEED = 5;

    @TempDir Path dir;

    private EmbeddedKafkaBroker broker;
    private EngineProcess engine;
    private int httpPort;

    @AfterEach
    void stop() throws InterruptedException {
        try {
            if (engine != null) {
                engine.destroy();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void killedTwiceUnderLoadTheEngineLosesDuplicatesAndCorruptsNothing() throws Exception {
        ReplayReference ref =
                ReplayReference.ofFleet(
                        new SimConfig(8, 12_000, 0, SEED, SimConfig.DEFAULT_START, 0.2, 0.01));
        int n = ref.events().size();
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        String bootstrap = broker.bootstrapServers();
        String prefix = "kill-" + SEED + ".";
        Topics topics = Topics.prefixed(prefix, 4, (short) 1);
        Path data = dir.resolve("data");
        startEngine(data, prefix);
        try (EventPublisher publisher = new EventPublisher(bootstrap, topics.events(), Map.of());
                CommittedLedger ledger = new CommittedLedger(bootstrap, topics.ledger().name())) {
            ref.events().forEach(publisher::send);
            publisher.flush();
            for (int third = 1; third <= 2; third++) {
                ledger.awaitAtLeast(n * third / 3, WAIT);
                killEngine();
                int committed = ledger.readCommitted(WAIT).size();
                assertTrue(
                        committed < n,
                        "the engine had committed all " + n + " entries before kill " + third);
                long restart = System.nanoTime();
                startEngine(data, prefix);
                ledger.awaitAtLeast(committed + 1, WAIT);
                System.err.printf(
                        Locale.ROOT,
                        "kill %d: folding again %.1f s after the restart (same instance id)%n",
                        third,
                        (System.nanoTime() - restart) / 1e9);
            }
            CommittedLedger.awaitFolded(bootstrap, EngineConfig.APPLICATION_ID, topics, WAIT);
            CommittedLedger.assertMatches(ref, ledger.readCommitted(WAIT));
        }
        new ServedState(httpPort, WAIT).assertMatches(ref);
    }

    /**
     * Starts {@code vmledger engine} in another JVM on {@code data} on the query port of the first
     * start and waits for its "running" line.
     */
    private void startEngine(Path data, String topicPrefix) throws Exception {
        if (httpPort == 0) {
            httpPort = EngineProcess.freePort();
        }
        engine =
                new EngineProcess(
                                "engine",
                                List.of(
                                        "--bootstrap",
                                        broker.bootstrapServers(),
                                        "--data-dir",
                                        data.toString(),
                                        "--http",
                                        "127.0.0.1:" + httpPort,
                                        "--topic-prefix",
                                        topicPrefix))
                        .start();
    }

    /**
     * Kills the engine with SIGKILL and waits for it to be gone. Its static membership (the
     * instance id the engine derives from its query address, the same after the restart) lets the
     * restarted engine take its partitions back at once, without waiting for the dead member's
     * session to end.
     */
    private void killEngine() throws Exception {
        engine.kill();
    }
}
