package io.vmledger.bench;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A long run of the engine under a small working set: a simulated fleet of {@code events} events
 * through the engine (embedded broker, RocksDB, exactly-once) whose working-set budget is far below
 * the fleet's state, so devices are evicted and spilled over the stores. It samples the heap in use
 * while the engine folds, then checks that the ledger equals the in-memory fold ({@code replay}) of
 * the same events, device by device (SHA-256 of each device's outcome lines in order). Run with a
 * bounded heap, e.g. {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.vmledger.bench.LongRunHarness [events] [devices] [budget bytes]}.
 */
public final class LongRunHarness {
    private LongRunHarness() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.vmledger.schema");
        long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int devices = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        long budget = args.length > 2 ? Long.parseLong(args[2]) : 16L << 20;
        SimConfig fleet =
                new SimConfig(devices, events, 0, 7, SimConfig.DEFAULT_START, 0.05, 0.001);
        // the reference first: its in-memory state is garbage before the engine starts, so the heap
        // the engine is measured in holds the engine alone
        long r0 = System.nanoTime();
        Map<String, String> replay = replay(fleet);
        System.out.printf(
                Locale.ROOT,
                "replayed %,d events in memory in %.0f s%n",
                events,
                (System.nanoTime() - r0) / 1e9);
        Path work = Files.createTempDirectory("vmledger-longrun");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0)) {
            EngineConfig base =
                    EngineConfig.defaults(broker.bootstrapServers(), work.resolve("state"))
                            .withHttp("127.0.0.1", 0);
            EngineConfig config =
                    new EngineConfig(
                            base.bootstrap(),
                            base.applicationId(),
                            base.stateDir(),
                            base.stallTimeout(),
                            1,
                            0,
                            base.topics(),
                            FoldConfig.DEFAULT,
                            EngineTopology.StoreType.ROCKSDB,
                            base.httpHost(),
                            0,
                            Map.of(),
                            base.snapshotEvery(),
                            AlertThresholds.DEFAULT,
                            budget);
            Topics topics = config.topics();
            try (VmledgerEngine engine = VmledgerEngine.start(config)) {
                long t0 = System.nanoTime();
                try (EventPublisher p =
                        new EventPublisher(broker.bootstrapServers(), topics.events(), Map.of())) {
                    new FleetSim(fleet).forEachRemaining(e -> p.send(e.event()));
                    p.flush();
                }
                System.out.printf(
                        Locale.ROOT,
                        "published %,d events of %d devices in %.0f s; working set %,d bytes%n",
                        events,
                        devices,
                        (System.nanoTime() - t0) / 1e9,
                        budget);
                Map<String, MessageDigest> ledger =
                        readLedger(broker.bootstrapServers(), topics.ledger(), events, engine);
                System.out.println(metrics(engine));
                int same = 0;
                for (String d : replay.keySet()) {
                    if (ledger.containsKey(d) && hex(ledger.get(d)).equals(replay.get(d))) {
                        same++;
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "ledger equals replay for %d of %d devices%n",
                        same,
                        replay.size());
            }
        }
    }

    /**
     * Per-device digests of the ledger's outcome lines; samples the heap while waiting for all of
     * them.
     */
    private static Map<String, MessageDigest> readLedger(
            String bootstrap, Topic<String, LedgerEntry> topic, long n, VmledgerEngine engine)
            throws Exception {
        Map<String, Object> c =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000);
        Map<String, MessageDigest> out = new TreeMap<>();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long maxHeap = 0;
        long maxLive = 0;
        long start = System.nanoTime();
        long nextReport = start;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic.name())) {
                parts.add(new TopicPartition(topic.name(), pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long seen = 0;
            while (seen < n) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String line = LedgerJson.format(topic.deserializeValue(r.value()));
                    out.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> sha256())
                            .update((line + "\n").getBytes(StandardCharsets.UTF_8));
                    seen++;
                }
                maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
                maxLive = Math.max(maxLive, liveAfterGc());
                if (System.nanoTime() > nextReport) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %,d of %,d folded, heap in use %,d MiB, live after the last GC %,d MiB"
                                    + " (max so far %,d MiB)%n",
                            seen,
                            n,
                            memory.getHeapMemoryUsage().getUsed() >> 20,
                            liveAfterGc() >> 20,
                            maxLive >> 20);
                    System.out.println("  " + metrics(engine));
                    nextReport += 60_000_000_000L;
                }
                if (engine.failure().isDone()) {
                    throw new IllegalStateException("engine failed: " + engine.failure().get());
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "folded %,d events in %.0f s = %,.0f events/s; heap of %,d MiB: max in use %,d MiB,"
                        + " max live after a GC %,d MiB%n",
                n,
                secs,
                n / secs,
                Runtime.getRuntime().maxMemory() >> 20,
                maxHeap >> 20,
                maxLive >> 20);
        return out;
    }

    /** Heap occupied right after the last collection, summed over the pools: what stays live. */
    private static long liveAfterGc() {
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && u != null) {
                live += u.getUsed();
            }
        }
        return live;
    }

    /** The working-set gauges from the engine's /metrics. */
    private static String metrics(VmledgerEngine engine) throws Exception {
        String body =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://"
                                                                + engine.http().host()
                                                                + ":"
                                                                + engine.http().port()
                                                                + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        StringBuilder b = new StringBuilder("working set:");
        body.lines()
                .filter(l -> l.startsWith("vmledger_working_set_"))
                .forEach(l -> b.append(' ').append(l));
        return b.toString();
    }

    /** Per-device digests (hex) of what {@code replay} prints for the same fleet. */
    private static Map<String, String> replay(SimConfig fleet) {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        Map<String, MessageDigest> out = new TreeMap<>();
        new FleetSim(fleet)
                .forEachRemaining(
                        s -> {
                            VmEvent e = s.event();
                            String line =
                                    LedgerJson.format(
                                            OutcomeEncoder.encode(
                                                    ledger.apply(
                                                                    e.getDevice(),
                                                                    e.getSeq(),
                                                                    e.getTs(),
                                                                    EventDecoder.decode(e))
                                                            .outcome()));
                            out.computeIfAbsent(e.getDevice(), k -> sha256())
                                    .update((line + "\n").getBytes(StandardCharsets.UTF_8));
                        });
        Map<String, String> hex = new TreeMap<>();
        out.forEach((device, digest) -> hex.put(device, hex(digest)));
        return hex;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) d.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
