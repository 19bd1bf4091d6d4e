package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.core.VectorTraces;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.ChurnTrace;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against a real broker, whichever provides it (the embedded KRaft broker, or a
 * Testcontainers Kafka when Docker is there): same test bodies for both.
 */
abstract class EngineContract {
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    /** The broker's bootstrap servers. */
    abstract String bootstrap();

    private Topics topics(String name) {
        String p = name + "-" + RUN.incrementAndGet() + ".";
        return Topics.prefixed(p, 3, (short) 1);
    }

    private EngineConfig config(Topics topics, String instance) {
        return new EngineConfig(
                bootstrap(),
                "app-" + topics.events().name().replace('.', '-'),
                dir.resolve(instance),
                EngineConfig.STALL_TIMEOUT,
                1,
                0,
                topics,
                FoldConfig.DEFAULT,
                EngineTopology.StoreType.ROCKSDB,
                "127.0.0.1",
                0,
                Map.of("commit.interval.ms", "100"),
                EngineTopology.DEFAULT_SNAPSHOT_EVERY,
                AlertThresholds.DEFAULT,
                EngineTopology.defaultWorkingSetBytes());
    }

    private VmledgerEngine running(EngineConfig config) throws InterruptedException {
        VmledgerEngine e = VmledgerEngine.start(config);
        assertTrue(e.awaitRunning(WAIT), "engine did not reach RUNNING");
        return e;
    }

    @Test
    void ledgerEqualsReplayAndEveryQueryAnswersTheSameThroughEitherInstance() throws Exception {
        List<String> trace = new ArrayList<>();
        int i = 0;
        for (var v : VectorTraces.vectors()) {
            trace.addAll(VectorTraces.trace(v, "vec-" + i++));
        }
        ReplayReference ref = new ReplayReference(trace);
        Topics topics = topics("queries");
        try (VmledgerEngine a = VmledgerEngine.start(config(topics, "a"));
                VmledgerEngine b = VmledgerEngine.start(config(topics, "b"))) {
            publish(topics, ref.events());
            CommittedLedger.assertMatches(ref, readLedger(topics, ref.events().size()));
            awaitStableAssignment(a, b);

            assertEquals(200, get(a, "/healthz").statusCode());
            assertEquals(200, get(b, "/healthz").statusCode());
            List<String> paths = new ArrayList<>(List.of("/devices"));
            for (String d : new TreeSet<>(ref.events().stream().map(VmEvent::getDevice).toList())) {
                String base = "/devices/" + d;
                paths.addAll(
                        List.of(
                                base + "/vms",
                                base + "/vms/1",
                                base + "/vms/1/vas",
                                base + "/vms/1/vas?from=0x100000&to=0x7fffff",
                                base + "/vms/1/lookup?iova=0x300000",
                                base + "/bos/1",
                                base + "/bos/99",
                                base + "/summary",
                                base + "/vms/1/lookup?iova=zz",
                                base + "/vms/1/lookup"));
            }
            paths.add("/devices/no-such-device/summary");
            for (String path : paths) {
                HttpResponse<String> ra = get(a, path);
                HttpResponse<String> rb = get(b, path);
                assertEquals(ra.statusCode(), rb.statusCode(), path);
                assertEquals(ra.body(), rb.body(), path);
            }
            assertEquals(400, get(a, "/devices/vec-0/vms/1/lookup?iova=zz").statusCode());
            assertEquals(404, get(a, "/devices/no-such-device/summary").statusCode());
            String devices = get(b, "/devices").body();
            for (int k = 0; k < i; k++) {
                assertTrue(devices.contains("\"device\":\"vec-" + k + "\""), devices);
            }
            String vms = get(a, "/devices/vec-0/vms/1/vas").body();
            assertTrue(vms.startsWith("{\"device\":\"vec-0\",\"vm\":1,"), vms);
            assertTrue(get(a, "/metrics").body().contains("vmledger_records_total"));
        }
    }

    @Test
    @SuppressWarnings("try") // the first engine only runs while the ledger is read
    void stoppedMidStreamAndRestartedNothingIsLostOrDuplicated() throws Exception {
        ReplayReference ref = new ReplayReference(ChurnTrace.lines(6, 150));
        Topics topics = topics("restart");
        EngineConfig config = config(topics, "solo");
        publish(topics, ref.events());
        try (VmledgerEngine e = running(config)) {
            readLedger(topics, ref.events().size() / 4);
        }
        try (VmledgerEngine e = running(config)) {
            CommittedLedger.assertMatches(ref, readLedger(topics, ref.events().size()));
            for (String d : new TreeSet<>(ref.events().stream().map(VmEvent::getDevice).toList())) {
                assertEquals(
                        ReplayReference.stateLines(d, ref.ledger().devices().get(d)),
                        ReplayReference.stateLines(d, e.deviceQueries(d).orElseThrow()),
                        d);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the engine only runs while the topics are written and read
    void undecodableRecordsLandInTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        ReplayReference ref =
                new ReplayReference(VectorTraces.trace(VectorTraces.vectors().get(0), "d"));
        Topics topics = topics("dead");
        byte[] good = Wire.event(ref.events().get(0));
        byte[] unknown = good.clone();
        for (int k = 2; k < 10; k++) {
            unknown[k] ^= 0x33;
        }
        List<byte[]> bad =
                List.of("garbage".getBytes(), Arrays.copyOf(good, good.length - 2), unknown);
        try (VmledgerEngine e = running(config(topics, "dl"));
                KafkaProducer<byte[], byte[]> p =
                        new KafkaProducer<>(
                                Map.of("bootstrap.servers", bootstrap()),
                                new ByteArraySerializer(),
                                new ByteArraySerializer())) {
            for (byte[] v : bad) {
                p.send(new ProducerRecord<>(topics.events().name(), Wire.deviceKey("d"), v));
            }
            p.send(new ProducerRecord<>(topics.events().name(), Wire.deviceKey("d"), good));
            p.flush();
            List<ConsumerRecord<String, DeadLetter>> dead = read(topics.deadletter(), bad.size());
            for (int k = 0; k < bad.size(); k++) {
                DeadLetter d = dead.get(k).value();
                byte[] raw = new byte[d.getValue().remaining()];
                d.getValue().get(raw);
                assertTrue(Arrays.equals(bad.get(k), raw), "raw bytes kept");
                assertEquals(k, d.getOffset());
                assertEquals(topics.events().name(), d.getTopic());
                assertTrue(d.getReason().startsWith("undecodable event"), d.getReason());
            }
            assertEquals(List.of(ref.outcomes().get(0)), readLedger(topics, 1));
        }
    }

    /**
     * The three records that used to stop the engine for good, written raw to the events topic
     * between good events: a 5 MB value of random bytes, an event whose device id is over 65,535
     * bytes, an event with seq 2^64-1. Each is dead-lettered, and every good event is folded.
     */
    @Test
    void recordsThatUsedToStopTheEngineAreDeadLetteredAndFoldingGoesOn() throws Exception {
        ReplayReference ref = new ReplayReference(ChurnTrace.lines(2, 20));
        Topics topics = topics("poison");
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(
                            List.of(
                                    new org.apache.kafka.clients.admin.NewTopic(
                                                    topics.events().name(), 3, (short) 1)
                                            .configs(
                                                    Map.of(
                                                            "max.message.bytes",
                                                            Integer.toString(8 << 20)))))
                    .all()
                    .get();
        }
        byte[] huge = new byte[5 << 20];
        new Random(5).nextBytes(huge);
        VmEvent first = ref.events().get(0);
        String longId = "x".repeat(70_000);
        List<byte[][]> poison =
                List.of(
                        new byte[][] {Wire.deviceKey(first.getDevice()), huge},
                        new byte[][] {
                            Wire.deviceKey(longId),
                            Wire.event(VmEvent.newBuilder(first).setDevice(longId).build())
                        },
                        new byte[][] {
                            Wire.deviceKey(first.getDevice()),
                            Wire.event(VmEvent.newBuilder(first).setSeq(-1L).build())
                        });
        try (VmledgerEngine e = running(config(topics, "p"));
                KafkaProducer<byte[], byte[]> p =
                        new KafkaProducer<>(
                                Map.of(
                                        "bootstrap.servers",
                                        bootstrap(),
                                        "max.request.size",
                                        8 << 20),
                                new ByteArraySerializer(),
                                new ByteArraySerializer())) {
            List<VmEvent> events = ref.events();
            int half = events.size() / 2;
            for (int k = 0; k < events.size(); k++) {
                if (k == half) {
                    for (byte[][] kv : poison) {
                        p.send(new ProducerRecord<>(topics.events().name(), kv[0], kv[1])).get();
                    }
                }
                VmEvent ev = events.get(k);
                p.send(
                        new ProducerRecord<>(
                                topics.events().name(),
                                Wire.deviceKey(ev.getDevice()),
                                Wire.event(ev)));
            }
            p.flush();
            CommittedLedger.assertMatches(ref, readLedger(topics, events.size()));
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, DeadLetter> r : read(topics.deadletter(), poison.size())) {
                DeadLetter d = r.value();
                reasons.add(d.getReason());
                assertTrue(
                        r.serializedValueSize() < 1 << 20,
                        "dead letter within the default record limit");
            }
            assertEquals(3, reasons.size(), reasons.toString());
            assertTrue(
                    reasons.stream()
                            .anyMatch(
                                    x ->
                                            x.contains(
                                                            "is over the 1048576 bytes an event may have")
                                                    && x.contains("SHA-256")),
                    reasons.toString());
            assertTrue(
                    reasons.stream()
                            .anyMatch(x -> x.startsWith("invalid event: field 'device': \"xxx")),
                    reasons.toString());
            assertTrue(
                    reasons.stream()
                            .anyMatch(
                                    x ->
                                            x.equals(
                                                    "invalid event: field 'seq': 18446744073709551615 is not in 1..9223372036854775807")),
                    reasons.toString());
            assertTrue(!e.failure().isDone(), "the engine is still running");
        }
    }

    /**
     * A failure that is not transient (here the broker refuses every ledger record) ends the
     * instance with its reason.
     */
    @Test
    void aStreamThreadThatCannotGoOnFailsTheInstanceWithItsReason() throws Exception {
        ReplayReference ref =
                new ReplayReference(VectorTraces.trace(VectorTraces.vectors().get(0), "d"));
        Topics topics = topics("fatal");
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(
                            List.of(
                                    new org.apache.kafka.clients.admin.NewTopic(
                                                    topics.ledger().name(), 3, (short) 1)
                                            .configs(Map.of("max.message.bytes", "64"))))
                    .all()
                    .get();
        }
        try (VmledgerEngine e = running(config(topics, "f"))) {
            publish(topics, ref.events());
            String reason =
                    e.failure().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            // the refused send surfaces either as RecordTooLargeException or as the transactional
            // producer's error state on the next send
            assertTrue(
                    reason.contains("RecordTooLargeException") || reason.contains("error state"),
                    reason);
            assertTrue(reason.lines().count() == 1, reason);
            assertEquals(org.apache.kafka.streams.KafkaStreams.State.ERROR, e.streams().state());
        }
    }

    /**
     * KAFKA-19629 regression: client threads call every query endpoint, and a thread runs the
     * demo's state sampler, in a tight loop while the engine folds a simulated fleet on RocksDB
     * under exactly-once. The fold must finish (a query that blocked it would leave the ledger
     * short), every answer must be JSON with a documented status, and the ledger must equal replay.
     */
    @Test
    void queriesHammeringEveryEndpointNeverStopTheFold() throws Exception {
        ReplayReference ref =
                ReplayReference.ofFleet(
                        new SimConfig(6, 4000, 0, 11, SimConfig.DEFAULT_START, 0.05, 0.01));
        List<String> devices =
                new ArrayList<>(
                        new TreeSet<>(ref.events().stream().map(VmEvent::getDevice).toList()));
        Topics topics = topics("hammer");
        try (VmledgerEngine e = running(config(topics, "h"))) {
            AtomicBoolean folding = new AtomicBoolean(true);
            AtomicLong answeredWhileFolding = new AtomicLong();
            List<String> problems = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Random r = new Random(t);
                clients.add(
                        new Thread(
                                () -> {
                                    while (folding.get()) {
                                        String path =
                                                anyPath(r, devices, ref.events().get(0).getTs());
                                        try {
                                            String problem = documented(path, get(e, path));
                                            if (problem != null) {
                                                problems.add(problem);
                                            }
                                        } catch (AssertionError noAnswer) {
                                            problems.add(
                                                    path + ": no answer: " + noAnswer.getCause());
                                        }
                                        answeredWhileFolding.incrementAndGet();
                                    }
                                },
                                "hammer-" + t));
            }
            clients.add(
                    new Thread(
                            () -> {
                                while (folding.get()) {
                                    for (String d : devices) {
                                        try {
                                            e.deviceQueries(d)
                                                    .ifPresent(
                                                            q -> {
                                                                if (q.device() != null) {
                                                                    q.vmsWithoutVas()
                                                                            .forEach(
                                                                                    vm ->
                                                                                            q.vas(
                                                                                                    vm.vm()
                                                                                                            .vm(),
                                                                                                    0,
                                                                                                    -1));
                                                                    q.bos();
                                                                }
                                                            });
                                        } catch (io.vmledger.engine.query.Unavailable rebalancing) {
                                            // documented: a store is briefly not queryable
                                        } catch (io.vmledger.engine.query.BadRequest noEventsYet) {
                                            if (noEventsYet.status() != 404) {
                                                problems.add("demo sampler: " + noEventsYet);
                                            }
                                        } catch (RuntimeException tornRead) {
                                            // the demo's sampler reads several stores while the
                                            // fold writes them and
                                            // counts what it can; a read that met an event half
                                            // written is retried
                                            // on its next sample, as the demo does
                                        }
                                    }
                                }
                            },
                            "demo-sampler"));
            clients.forEach(Thread::start);
            try {
                publish(topics, ref.events());
                CommittedLedger.assertMatches(ref, readLedger(topics, ref.events().size()));
            } finally {
                folding.set(false);
                for (Thread t : clients) {
                    t.join();
                }
            }
            assertEquals(
                    List.of(),
                    problems.subList(0, Math.min(5, problems.size())),
                    problems.size() + " problems");
            assertTrue(
                    answeredWhileFolding.get() > 100,
                    "queries answered while folding: " + answeredWhileFolding);
            HttpResponse<String> health = get(e, "/healthz");
            assertEquals(200, health.statusCode(), health.body());
        }
    }

    private static String anyPath(Random r, List<String> devices, long ts) {
        String d = "/devices/" + devices.get(r.nextInt(devices.size()));
        long vm = r.nextInt(4);
        return switch (r.nextInt(11)) {
            case 0 -> "/devices";
            case 1 -> d + "/vms";
            case 2 -> d + "/vms/" + vm;
            case 3 -> d + "/vms/" + vm + "/vas";
            case 4 -> d + "/vms/" + vm + "/vas?from=0x100000000&to=0x1ffffffff";
            case 5 ->
                    d
                            + "/vms/"
                            + vm
                            + "/lookup?iova=0x"
                            + Long.toHexString(0x100000000L + r.nextInt(1 << 30));
            case 6 -> d + "/bos/" + r.nextInt(200);
            case 7 -> d + "/bos/" + r.nextInt(200) + "?asOf=" + (ts + r.nextInt(60_000_000));
            case 8 -> d + "/summary";
            case 9 -> "/metrics";
            default -> "/healthz";
        };
    }

    /** Null if the reply is one the API documents for that path, else what is wrong with it. */
    private static String documented(String path, HttpResponse<String> reply) {
        int status = reply.statusCode();
        if (path.equals("/metrics")) {
            return status == 200 && reply.body().contains("vmledger_records_total")
                    ? null
                    : path + ": " + status;
        }
        boolean expected = status == 200 || status == 404 || status == 503;
        try {
            new ObjectMapper().readTree(reply.body());
        } catch (IOException ex) {
            return path + ": not JSON: " + reply.body();
        }
        return expected ? null : path + ": " + status + " " + reply.body();
    }

    private void awaitStableAssignment(VmledgerEngine... engines) throws InterruptedException {
        for (VmledgerEngine e : engines) {
            assertTrue(e.awaitRunning(WAIT));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (VmledgerEngine e : engines) {
                ok &=
                        e.streams().metadataForAllStreamsClients().size() == engines.length
                                && get(e, "/healthz").statusCode() == 200
                                && get(e, "/devices").statusCode() == 200;
            }
            if (ok) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("instances did not settle");
    }

    private HttpResponse<String> get(VmledgerEngine e, String path) {
        try {
            URI uri = URI.create("http://" + e.http().host() + ":" + e.http().port() + path);
            return http.send(
                    HttpRequest.newBuilder(uri).timeout(WAIT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception ex) {
            throw new AssertionError(path, ex);
        }
    }

    private void publish(Topics topics, List<VmEvent> events) throws InterruptedException {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", bootstrap()))) {
            topics.ensure(admin);
        }
        try (EventPublisher p = new EventPublisher(bootstrap(), topics.events(), Map.of())) {
            events.forEach(p::send);
            p.flush();
        }
    }

    /** Outcome lines per device in ledger order; the ledger must have exactly {@code n} entries. */
    private List<String> readLedger(Topics topics, int n) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, LedgerEntry> r : read(topics.ledger(), n)) {
            out.add(LedgerJson.format(r.value()));
        }
        return out;
    }

    /**
     * Reads the committed records of {@code topic} from the start until {@code n} arrived (then a
     * little more, to catch extras).
     */
    private <K, V> List<ConsumerRecord<K, V>> read(Topic<K, V> topic, int n) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer =
                new KafkaConsumer<>(
                        c, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic.name())) {
                parts.add(new TopicPartition(topic.name(), p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        assertTrue(out.size() >= n, "only " + out.size() + " of " + n + " records on " + topic);
        return out;
    }
}
