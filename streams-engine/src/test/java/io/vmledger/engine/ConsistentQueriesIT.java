package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries answered while the engine folds read one event boundary: several threads ask for device
 * summaries, which read the device record and then every BO, while the stream thread writes each
 * event's changes key by key. Every 200 answer must be the summary the in-memory fold had after one
 * of the device's events ({@link SummaryHistory}): {@code last_seq} and the byte counts from the
 * same event, never from two. A device once answered is never answered 404 afterwards. Without the
 * engine's event boundaries ({@code EventBoundaries}) this fails within a few hundred answers: the
 * summary's {@code last_seq} comes from one event and its BOs from the next.
 */
class ConsistentQueriesIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int QUERY_THREADS = 3;

    @TempDir Path dir;

    @Test
    void everySummaryAnsweredWhileTheEngineFoldsIsOneEventsState() throws Exception {
        ReplayReference ref =
                ReplayReference.ofFleet(
                        new SimConfig(6, 15_000, 0, 11, SimConfig.DEFAULT_START, 0.2, 0.01));
        List<VmEvent> events = ref.events();
        SummaryHistory history = new SummaryHistory(events);
        List<String> devices =
                new ArrayList<>(new TreeSet<>(events.stream().map(VmEvent::getDevice).toList()));
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        List<String> problems = new CopyOnWriteArrayList<>();
        Set<String> served = ConcurrentHashMap.newKeySet();
        AtomicLong checked = new AtomicLong();
        AtomicBoolean folding = new AtomicBoolean(true);
        Topics topics = Topics.prefixed("torn.", 2, (short) 1);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
                VmledgerEngine engine =
                        VmledgerEngine.start(
                                new EngineConfig(
                                        broker.bootstrapServers(),
                                        "torn-reads",
                                        dir.resolve("state"),
                                        EngineConfig.STALL_TIMEOUT,
                                        1,
                                        0,
                                        topics,
                                        io.vmledger.core.fold.FoldConfig.DEFAULT,
                                        io.vmledger.engine.topology.EngineTopology.StoreType
                                                .ROCKSDB,
                                        "127.0.0.1",
                                        0,
                                        Map.of("commit.interval.ms", "100"),
                                        0,
                                        io.vmledger.core.alert.AlertThresholds.DEFAULT,
                                        io.vmledger.engine.topology.EngineTopology
                                                .defaultWorkingSetBytes()))) {
            assertTrue(engine.awaitRunning(WAIT), "engine did not reach RUNNING");
            String base = "http://127.0.0.1:" + engine.http().port() + "/devices/";
            List<Thread> askers = new ArrayList<>();
            for (int t = 0; t < QUERY_THREADS; t++) {
                int first = t;
                Thread asker =
                        new Thread(
                                () -> {
                                    for (int i = first; folding.get(); i++) {
                                        String d = devices.get(i % devices.size());
                                        // a 404 is wrong only if asked after a 200 came back
                                        boolean servedBefore = served.contains(d);
                                        try {
                                            HttpResponse<String> r =
                                                    http.send(
                                                            HttpRequest.newBuilder(
                                                                            URI.create(
                                                                                    base
                                                                                            + d
                                                                                            + "/summary"))
                                                                    .GET()
                                                                    .build(),
                                                            HttpResponse.BodyHandlers.ofString());
                                            if (r.statusCode() == 200) {
                                                served.add(d);
                                                String p =
                                                        history.problem(d, json.readTree(r.body()));
                                                if (p != null) {
                                                    problems.add(p);
                                                }
                                                checked.incrementAndGet();
                                            } else if (r.statusCode() == 404 && servedBefore) {
                                                problems.add(
                                                        d + " answered 404 after 200: " + r.body());
                                            } else if (r.statusCode() != 404
                                                    && r.statusCode() != 503) {
                                                problems.add(
                                                        d + ": " + r.statusCode() + " " + r.body());
                                            }
                                        } catch (Exception e) {
                                            problems.add(d + ": " + e);
                                        }
                                    }
                                },
                                "asker-" + t);
                asker.setDaemon(true);
                asker.start();
                askers.add(asker);
            }
            try (EventPublisher publisher =
                            new EventPublisher(
                                    broker.bootstrapServers(), topics.events(), Map.of());
                    CommittedLedger ledger =
                            new CommittedLedger(
                                    broker.bootstrapServers(), topics.ledger().name())) {
                events.forEach(publisher::send);
                publisher.flush();
                ledger.awaitAtLeast(events.size(), WAIT);
            } finally {
                folding.set(false);
                for (Thread a : askers) {
                    a.join(WAIT.toMillis());
                }
            }
        }
        System.err.printf(
                "consistent queries: %d summaries checked while folding %d events%n",
                checked.get(), events.size());
        assertEquals(List.of(), problems.stream().limit(10).toList(), "inconsistent answers");
        assertTrue(
                checked.get() >= 100,
                "only " + checked.get() + " summaries were answered while the engine folded");
    }
}
