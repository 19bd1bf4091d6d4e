package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.DeviceSummary;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.engine.CommittedLedger;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.ReplayReference;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.json.StateJson;
import io.vmledger.schema.topic.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
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
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    private EmbeddedKafkaBroker broker;
    private Process engine;
    private int httpPort;

    @AfterEach
    void stop() throws InterruptedException {
        try {
            if (engine != null) {
                engine.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
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
        for (Map.Entry<String, DeviceQueries> d : ref.ledger().devices().entrySet()) {
            assertStateServed(d.getKey(), d.getValue());
        }
    }

    /**
     * Asserts that the engine serves {@code device}'s VMs, VAs, BOs and summary as {@code expected}
     * holds them.
     */
    private void assertStateServed(String device, DeviceQueries expected) throws Exception {
        String base = "/devices/" + device;
        JsonNode vms = json.readTree(get(base + "/vms"));
        assertEquals(device, vms.get("device").asText(), base + "/vms");
        List<VmView> views = expected.vmsWithoutVas();
        assertEquals(
                json.readTree(
                        views.stream()
                                .map(v -> StateJson.vm(device, v, false))
                                .collect(Collectors.joining(",", "[", "]"))),
                vms.get("vms"),
                base + "/vms");
        for (VmView v : views) {
            String path = base + "/vms/" + Long.toUnsignedString(v.vm().vm()) + "/vas";
            StringBuilder vas = new StringBuilder();
            StateJson.vas(vas, expected.vas(v.vm().vm(), 0, -1));
            assertEquals(json.readTree(vas.toString()), json.readTree(get(path)).get("vas"), path);
        }
        for (BoRecord bo : expected.bos()) {
            String path = base + "/bos/" + Long.toUnsignedString(bo.bo());
            assertEquals(StateJson.bo(device, bo), get(path), path);
        }
        JsonNode summary = json.readTree(get(base + "/summary"));
        DeviceSummary s = expected.summary();
        assertEquals(
                List.of(
                        expected.device().lastSeq(),
                        s.bos(),
                        s.total(),
                        s.shared(),
                        s.resident(),
                        s.purgeable()),
                List.of("last_seq", "bos", "total", "shared", "resident", "purgeable").stream()
                        .map(f -> summary.get(f).asLong())
                        .toList(),
                base + "/summary");
    }

    /**
     * The body of a 200 answer to {@code path}, asking again while the engine answers 503
     * (rebalancing, restoring).
     */
    private String get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + httpPort + path);
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> r;
        do {
            r =
                    http.send(
                            HttpRequest.newBuilder(uri).timeout(WAIT).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 503) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    /**
     * Starts {@code vmledger engine} in another JVM on {@code data} on the query port of the first
     * start and waits for its "running" line; its standard error is copied to this JVM's.
     */
    private void startEngine(Path data, String topicPrefix) throws Exception {
        if (httpPort == 0) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                httpPort = s.getLocalPort();
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        engine =
                new ProcessBuilder(
                                java.toString(),
                                "-Xmx512m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                Vmledger.class.getName(),
                                "engine",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--data-dir",
                                data.toString(),
                                "--http",
                                "127.0.0.1:" + httpPort,
                                "--topic-prefix",
                                topicPrefix)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        CompletableFuture<Boolean> running = new CompletableFuture<>();
        Process started = engine;
        Thread copier =
                new Thread(
                        () -> {
                            try (BufferedReader err =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    started.getErrorStream(),
                                                    StandardCharsets.UTF_8))) {
                                for (String line = err.readLine();
                                        line != null;
                                        line = err.readLine()) {
                                    System.err.println("[engine " + started.pid() + "] " + line);
                                    if (line.startsWith("vmledger engine: running")) {
                                        running.complete(true);
                                    }
                                }
                            } catch (IOException killed) {
                                // the stream ends with the process
                            }
                            running.complete(false);
                        },
                        "engine-stderr");
        copier.setDaemon(true);
        copier.start();
        try {
            assertTrue(
                    running.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "the engine exited before it was running (see its standard error above)");
        } catch (TimeoutException e) {
            throw new AssertionError("the engine did not say it was running within " + WAIT, e);
        }
    }

    /**
     * Kills the engine with SIGKILL and waits for it to be gone. Its static membership (the
     * instance id the engine derives from its query address, the same after the restart) lets the
     * restarted engine take its partitions back at once, without waiting for the dead member's
     * session to end.
     */
    private void killEngine() throws Exception {
        engine.destroyForcibly();
        assertTrue(
                engine.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS),
                "the killed engine did not exit");
    }
}
