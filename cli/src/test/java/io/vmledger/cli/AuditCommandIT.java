package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.RandomDeviceTrace;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger audit} against a real engine on the embedded broker, snapshotting every 7 events:
 * {@code --as-of T} prints exactly what {@code replay --state} prints for the trace cut at T
 * (before the first snapshot, exactly at one, between two, after the end, and at seeded random
 * times), the entry audit lists exactly the entries of a use-after-unmap story that touched the
 * faulting address or the BO, and {@code GET /devices/{d}/bos/{bo}?asOf=T} (read from the BO
 * history, the plain {@code bo-versions} store) agrees with both. {@code export --perfetto} of the
 * events topic, and the engine's {@code /devices/{d}/perfetto}, write exactly the trace that {@code
 * export --perfetto} writes from the same events in a file.
 */
class AuditCommandIT {
    private static final long SEED = 515L;
    private static final long START = 1_767_225_600_000_000L;
    private static final int EVERY = 7;

    @TempDir static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static VmledgerEngine engine;
    private static final Topics TOPICS = Topics.prefixed("audit.", 3, (short) 1);
    private static final Map<String, List<RandomDeviceTrace.Line>> TRACES = new LinkedHashMap<>();
    private static final List<String> STORY = story();

    /** Every line published, in order. */
    private static final List<String> PUBLISHED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        engine =
                VmledgerEngine.start(
                        new EngineConfig(
                                broker.bootstrapServers(),
                                "audit-test",
                                dir.resolve("state"),
                                EngineConfig.STALL_TIMEOUT,
                                1,
                                0,
                                TOPICS,
                                FoldConfig.DEFAULT,
                                EngineTopology.StoreType.ROCKSDB,
                                "127.0.0.1",
                                0,
                                Map.of("commit.interval.ms", "100"),
                                EVERY,
                                AlertThresholds.DEFAULT,
                                EngineTopology.defaultWorkingSetBytes()));
        assertTrue(engine.awaitRunning(Duration.ofMinutes(2)), "engine running");
        List<RandomDeviceTrace.Line> all = new ArrayList<>();
        for (String d : List.of("rnd-a", "rnd-b", "rnd-c")) {
            List<RandomDeviceTrace.Line> t =
                    RandomDeviceTrace.of(d, SEED + TRACES.size(), 120, START);
            TRACES.put(d, t);
            all.addAll(t);
        }
        all.sort(Comparator.comparingLong(RandomDeviceTrace.Line::ts));
        List<String> lines =
                new ArrayList<>(all.stream().map(RandomDeviceTrace.Line::json).toList());
        lines.addAll(STORY);
        PUBLISHED.addAll(lines);
        try (EventPublisher p =
                new EventPublisher(broker.bootstrapServers(), TOPICS.events(), Map.of())) {
            for (String line : lines) {
                p.send(TraceJson.parse(line));
            }
            p.flush();
        }
        awaitLedger(lines.size());
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void asOfEqualsTheReplayOfTheTraceCutAtT() throws Exception {
        Random r = new Random(SEED);
        for (Map.Entry<String, List<RandomDeviceTrace.Line>> d : TRACES.entrySet()) {
            List<RandomDeviceTrace.Line> t = d.getValue();
            long first = t.get(0).ts();
            long last = t.get(t.size() - 1).ts();
            long atSnapshot =
                    t.stream().filter(l -> l.seq() == EVERY).findFirst().orElseThrow().ts();
            List<Long> times =
                    new ArrayList<>(
                            List.of(
                                    first - 1,
                                    first,
                                    t.get(3).ts(),
                                    atSnapshot,
                                    t.get(EVERY + 3).ts() + 1,
                                    t.get(60).ts(),
                                    last,
                                    last + 1_000_000));
            for (int i = 0; i < 4; i++) {
                times.add(first + (long) (r.nextDouble() * (last - first)));
            }
            for (long at : times) {
                CliRun audit =
                        run(
                                "audit",
                                "--device",
                                d.getKey(),
                                "--as-of",
                                String.valueOf(at),
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--topic-prefix",
                                "audit.");
                assertEquals(0, audit.exit(), audit.err());
                assertEquals(
                        replayStateOfCut(t, at),
                        lines(audit.out()),
                        d.getKey() + " as of " + at + ": " + audit.err());
                if (at == atSnapshot) {
                    assertTrue(audit.err().contains("snapshot at seq " + EVERY), audit.err());
                }
                if (at < t.get(EVERY - 1).ts()) {
                    assertTrue(audit.err().contains("no snapshot"), audit.err());
                }
            }
        }
    }

    @Test
    void asOfTakesIsoTimesAndRefusesBadArguments() throws Exception {
        List<RandomDeviceTrace.Line> t = TRACES.get("rnd-a");
        long at = t.get(50).ts();
        String iso = Instant.EPOCH.plus(at, ChronoUnit.MICROS).toString();
        CliRun audit =
                run(
                        "audit",
                        "--device",
                        "rnd-a",
                        "--as-of",
                        iso,
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic-prefix",
                        "audit.");
        assertEquals(replayStateOfCut(t, at), lines(audit.out()));
        assertTrue(
                audit.err().contains("as of " + iso + " (" + at + " microseconds since the epoch)"),
                audit.err());
        CliRun noTopics =
                run(
                        "audit",
                        "--device",
                        "rnd-a",
                        "--bo",
                        "1",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic-prefix",
                        "nope.");
        assertEquals(2, noTopics.exit(), noTopics.err());
        assertTrue(noTopics.err().contains("no topic nope."), noTopics.err());
        String[][] bad = {
            {"--as-of", "yesterday", "--as-of: 'yesterday' is not an integer >= 0"},
            {"--iova", "0x10", "--bo", "1", "--iova and --bo are exclusive"},
            {"--as-of", "5", "--bo", "1", "--as-of prints the whole state"},
            {"--bo", "-1", "--bo must be a u64"},
            {"--from", "9", "--to", "8", "--from must not be after --to"}
        };
        for (String[] b : bad) {
            List<String> args =
                    new ArrayList<>(
                            List.of("audit", "--device", "x", "--bootstrap", "127.0.0.1:1"));
            args.addAll(Arrays.asList(b).subList(0, b.length - 1));
            CliRun r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", b));
            assertTrue(r.err().contains(b[b.length - 1]), r.err());
        }
    }

    @Test
    void theEntryAuditListsWhatTouchedTheFaultingAddressOrTheBo() throws Exception {
        Map<Long, String> outcomes = new LinkedHashMap<>();
        Path story = dir.resolve("story.jsonl");
        Files.write(story, STORY);
        for (String l : lines(run("replay", "--input", story.toString()).out())) {
            outcomes.put(Long.parseLong(l.replaceAll(".*?\"seq\":(\\d+).*", "$1")), l);
        }
        assertEquals(List.of(5L, 7L, 9L), auditSeqs(outcomes, "--iova", "0x100001000"));
        assertEquals(
                List.of(5L, 7L, 9L), auditSeqs(outcomes, "--iova", "0x100001000", "--vm", "1"));
        assertEquals(List.of(), auditSeqs(outcomes, "--iova", "0x100001000", "--vm", "0"));
        assertEquals(
                List.of(5L, 7L),
                auditSeqs(outcomes, "--iova", "0x100001000", "--to", String.valueOf(ts(7))));
        assertEquals(List.of(3L, 5L, 7L, 8L), auditSeqs(outcomes, "--bo", "7"));
        assertEquals(
                List.of(7L, 8L),
                auditSeqs(
                        outcomes,
                        "--bo",
                        "7",
                        "--from",
                        Instant.EPOCH.plus(ts(7), ChronoUnit.MICROS).toString()));
        assertEquals(List.of(4L, 6L, 10L), auditSeqs(outcomes, "--bo", "8"));
        assertEquals(List.of(6L), auditSeqs(outcomes, "--iova", "0x20000ffff"));
        assertEquals(List.of(), auditSeqs(outcomes, "--iova", "0x200010000"));

        CliRun table =
                run(
                        "audit",
                        "--device",
                        "uau",
                        "--iova",
                        "0x100001000",
                        "--table",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic-prefix",
                        "audit.");
        List<String> rows = lines(table.out());
        assertEquals(4, rows.size(), table.out());
        assertTrue(rows.get(0).startsWith("TIME"), rows.get(0));
        assertTrue(
                rows.get(1).matches(".* vm_bind +ok +1 +map 0x100000000\\+0x4000 bo 7"),
                rows.get(1));
        assertTrue(
                rows.get(2).contains("vm_bind") && rows.get(2).contains("unmap 0x100000000+0x4000"),
                rows.get(2));
        assertTrue(rows.get(3).contains("gpu_fault"), rows.get(3));
    }

    @Test
    void theVersionedBoQueryAgreesWithAsOf() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://" + engine.http().host() + ":" + engine.http().port() + "/devices/";
        assertEquals(404, get(http, base + "uau/bos/7?asOf=" + ts(2)).statusCode());
        HttpResponse<String> mapped =
                get(http, base + "uau/bos/7?asOf=" + Instant.EPOCH.plus(ts(6), ChronoUnit.MICROS));
        assertEquals(200, mapped.statusCode(), mapped.body());
        assertTrue(
                mapped.body().contains("\"alive\":true") && mapped.body().contains("\"vmas\":1"),
                mapped.body());
        HttpResponse<String> freed = get(http, base + "uau/bos/7?asOf=" + ts(9));
        assertTrue(freed.body().contains("\"alive\":false"), freed.body());
        assertTrue(get(http, base + "uau/bos/7").body().contains("\"alive\":false"));
        assertEquals(400, get(http, base + "uau/bos/7?asOf=soon").statusCode());

        Random r = new Random(SEED + 1);
        int compared = 0;
        for (Map.Entry<String, List<RandomDeviceTrace.Line>> d : TRACES.entrySet()) {
            List<RandomDeviceTrace.Line> t = d.getValue();
            for (int i = 0; i < 3; i++) {
                long at = t.get(r.nextInt(t.size())).ts() / 1000 * 1000 + 999;
                for (String line : replayStateOfCut(t, at)) {
                    if (!line.startsWith("{\"state\":\"bo\"")) {
                        continue;
                    }
                    String bo = line.replaceAll(".*?\"bo\":(\\d+).*", "$1");
                    HttpResponse<String> h =
                            get(http, base + d.getKey() + "/bos/" + bo + "?asOf=" + at);
                    assertEquals(line, h.body(), d.getKey() + " bo " + bo + " as of " + at);
                    compared++;
                }
            }
        }
        assertTrue(compared > 10, "BOs compared: " + compared);
    }

    @Test
    void perfettoExportOfTheTopicIsTheExportOfTheTraceFile() throws Exception {
        Path trace = dir.resolve("published.jsonl");
        Files.write(trace, PUBLISHED);
        String[] topic = {"--bootstrap", broker.bootstrapServers(), "--topic-prefix", "audit."};
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://" + engine.http().host() + ":" + engine.http().port() + "/devices/";
        List<String> devices = new ArrayList<>(TRACES.keySet());
        devices.add("uau");
        for (String d : devices) {
            CliRun fromFile = run("export", "--perfetto", "--device", d, trace.toString());
            CliRun fromTopic = run(concat(List.of("export", "--perfetto", "--device", d), topic));
            assertEquals(0, fromFile.exit(), fromFile.err());
            assertEquals(0, fromTopic.exit(), fromTopic.err());
            assertTrue(fromFile.out().contains("\"ph\":\"X\""), d);
            assertEquals(fromFile.out(), fromTopic.out(), d);
            HttpResponse<String> served = get(http, base + d + "/perfetto");
            assertEquals(200, served.statusCode(), served.body());
            assertEquals(fromFile.out(), served.body(), d);
        }
        long from = ts(5);
        long to = ts(9) + 1;
        CliRun window =
                run(
                        "export",
                        "--perfetto",
                        "--device",
                        "uau",
                        "--from",
                        String.valueOf(from),
                        "--to",
                        String.valueOf(to),
                        trace.toString());
        assertTrue(window.err().contains("; 5 entries written"), window.err());
        assertEquals(
                window.out(), get(http, base + "uau/perfetto?from=" + from + "&to=" + to).body());
        CliRun fleet = run(concat(List.of("export", "--perfetto"), topic));
        assertEquals(0, fleet.exit(), fleet.err());
        assertTrue(fleet.err().contains("export: " + PUBLISHED.size() + " events: "), fleet.err());
        assertEquals(404, get(http, base + "nobody/perfetto").statusCode());
        assertEquals(400, get(http, base + "uau/perfetto?to=0").statusCode());
    }

    private static String[] concat(List<String> head, String[] tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(Arrays.asList(tail));
        return all.toArray(String[]::new);
    }

    private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(uri)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<Long> auditSeqs(Map<Long, String> outcomes, String... filter) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "audit",
                                "--device",
                                "uau",
                                "--bootstrap",
                                broker.bootstrapServers(),
                                "--topic-prefix",
                                "audit."));
        args.addAll(List.of(filter));
        CliRun r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        List<Long> seqs = new ArrayList<>();
        for (String l : lines(r.out())) {
            long seq = Long.parseLong(l.replaceAll(".*?\"seq\":(\\d+).*", "$1"));
            assertEquals(outcomes.get(seq), l, "the entry as replay prints it");
            seqs.add(seq);
        }
        return seqs;
    }

    /**
     * {@code replay --state} of the device's events up to the first one after {@code at}: its state
     * lines.
     */
    private List<String> replayStateOfCut(List<RandomDeviceTrace.Line> trace, long at)
            throws Exception {
        List<String> cut = new ArrayList<>();
        for (RandomDeviceTrace.Line l : trace) {
            if (l.ts() > at) {
                break;
            }
            cut.add(l.json());
        }
        Path f = Files.createTempFile(dir, "cut", ".jsonl");
        Files.write(f, cut);
        return lines(run("replay", "--input", f.toString(), "--state", "--quiet").out()).stream()
                .filter(l -> l.startsWith("{\"state\""))
                .toList();
    }

    private static long ts(int seq) {
        return START + 5_000_000L + seq * 1000L;
    }

    /**
     * Use after unmap: BO 7 mapped, unmapped and freed, then the GPU faults inside its old range.
     */
    private static List<String> story() {
        String[] bodies = {
            "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true",
            "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true",
            "\"type\":\"bo_new\",\"file\":1,\"bo\":7,\"size\":\"0x10000\"",
            "\"type\":\"bo_new\",\"file\":1,\"bo\":8,\"size\":\"0x10000\"",
            "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":7,\"iova\":\"0x100000000\",\"range\":\"0x4000\"}]",
            "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":8,\"iova\":\"0x200000000\",\"range\":\"0x10000\"}]",
            "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"unmap\",\"iova\":\"0x100000000\",\"range\":\"0x4000\"}]",
            "\"type\":\"handle_close\",\"file\":1,\"bo\":7",
            "\"type\":\"gpu_fault\",\"file\":1,\"iova\":\"0x100001000\",\"dir\":\"read\",\"fault_type\":\"translation\"",
            "\"type\":\"vmap\",\"bo\":8"
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            out.add(
                    "{\"device\":\"uau\",\"seq\":"
                            + (i + 1)
                            + ",\"ts\":"
                            + ts(i + 1)
                            + ","
                            + bodies[i]
                            + "}");
        }
        return out;
    }

    private static void awaitLedger(long n) throws InterruptedException {
        Topic<String, LedgerEntry> ledger = TOPICS.ledger();
        try (KafkaConsumer<String, LedgerEntry> c =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers(),
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed"),
                        ledger.keySerde().deserializer(),
                        ledger.valueSerde().deserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(ledger.name())) {
                parts.add(new TopicPartition(ledger.name(), p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (seen < n && System.nanoTime() < deadline) {
                seen += c.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(n, seen, "ledger entries");
        }
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }
}
