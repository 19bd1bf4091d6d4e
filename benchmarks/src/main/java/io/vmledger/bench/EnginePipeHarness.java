package io.vmledger.bench;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.ChurnTrace;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end harness of {@code docs/benchmarks.md}: on one embedded broker, in one run, (a) a
 * raw exactly-once pipe (read_committed consumer → transactional producer of the same records,
 * offsets committed in the transaction) and (b) the engine (exactly_once_v2), over the same input
 * topic; then the engine's state restore rate after its state directory is deleted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.vmledger.bench.EnginePipeHarness
 * [churn|fleet] [devices] [rounds|events] [ROCKSDB|MEMORY] [threads]}: the synthetic churn trace
 * ({@code rounds} per device) or the simulated fleet ({@code events} in all, with injected bugs),
 * folded with alerts, BO history and snapshots on, by {@code threads} stream threads. It also
 * prints changelog records per event (from the restore), the heap in use and the process RSS.
 */
public final class EnginePipeHarness {
    private static final int PARTITIONS = 4;

    private EnginePipeHarness() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.vmledger.schema");
        boolean fleet = args.length > 0 && args[0].equals("fleet");
        int devices = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long size = args.length > 2 ? Long.parseLong(args[2]) : fleet ? 200_000 : 1500;
        EngineTopology.StoreType storeType =
                args.length > 3
                        ? EngineTopology.StoreType.valueOf(args[3])
                        : EngineTopology.StoreType.ROCKSDB;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        Path work = Files.createTempDirectory("vmledger-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0)) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = Topics.prefixed("bench.", PARTITIONS, (short) 1);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                topics.ensure(admin);
                admin.createTopics(List.of(new NewTopic("bench.pipe-out", PARTITIONS, (short) 1)))
                        .all()
                        .get();
            }
            long n =
                    publish(
                            bootstrap,
                            topics.events(),
                            fleet ? fleet(devices, size) : churn(devices, (int) size));
            System.out.printf(
                    Locale.ROOT,
                    "input: %s, %d events, %d devices, %d partitions%n",
                    fleet ? "simulated fleet" : "churn trace",
                    n,
                    devices,
                    PARTITIONS);

            double pipe = rawPipe(bootstrap, topics.events().name(), "bench.pipe-out", n);
            System.out.printf(
                    Locale.ROOT, "raw pipe (EOS consume->produce): %,.0f events/s%n", pipe);

            EngineConfig config =
                    new EngineConfig(
                            bootstrap,
                            "bench-engine",
                            work.resolve("state"),
                            EngineConfig.STALL_TIMEOUT,
                            threads,
                            0,
                            topics,
                            FoldConfig.DEFAULT,
                            storeType,
                            "127.0.0.1",
                            0,
                            Map.of(),
                            EngineTopology.DEFAULT_SNAPSHOT_EVERY,
                            AlertThresholds.DEFAULT,
                            EngineTopology.defaultWorkingSetBytes());
            double engine;
            try (VmledgerEngine e = VmledgerEngine.start(config)) {
                engine = awaitLedger(bootstrap, topics.ledger().name(), n, e);
            }
            System.out.printf(
                    Locale.ROOT,
                    "engine (exactly_once_v2, %s stores, %d stream thread(s)): %,.0f events/s"
                            + " = %.1f %% of the raw pipe%n",
                    storeType,
                    threads,
                    engine,
                    100 * engine / pipe);
            System.out.printf(
                    Locale.ROOT,
                    "memory after the run: heap in use %,d MiB of %,d MiB max, RSS %s%n",
                    usedHeapMiB(),
                    Runtime.getRuntime().maxMemory() >> 20,
                    rss());

            deleteRecursively(work.resolve("state"));
            long t0 = System.nanoTime();
            try (VmledgerEngine e = VmledgerEngine.start(config)) {
                if (!e.awaitRunning(Duration.ofMinutes(10))) {
                    throw new IllegalStateException("engine did not restart");
                }
                long restored = e.restore().restoredRecords();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "restore after deleting the state dir: %,d changelog records in %.2f s"
                                + " (start to RUNNING) = %,.0f records/s; %.2f changelog records per event%n",
                        restored,
                        secs,
                        restored / secs,
                        (double) restored / n);
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private static Iterator<VmEvent> churn(int devices, int rounds) {
        return ChurnTrace.lines(devices, rounds).stream().map(TraceJson::parse).iterator();
    }

    private static Iterator<VmEvent> fleet(int devices, long events) {
        FleetSim sim =
                new FleetSim(
                        new SimConfig(devices, events, 0, 1, SimConfig.DEFAULT_START, 0.05, 0.001));
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return sim.hasNext();
            }

            @Override
            public VmEvent next() {
                return sim.next().event();
            }
        };
    }

    private static long publish(
            String bootstrap, Topic<String, VmEvent> topic, Iterator<VmEvent> events) {
        long n = 0;
        try (EventPublisher p = new EventPublisher(bootstrap, topic, Map.of())) {
            while (events.hasNext()) {
                p.send(events.next());
                n++;
            }
            p.flush();
        }
        return n;
    }

    private static long usedHeapMiB() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    /** The process's resident set size, from /proc (Linux), or "n/a". */
    private static String rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (java.io.IOException e) {
            // not Linux
        }
        return "n/a";
    }

    /**
     * Events/s of a transactional consume→produce copy of {@code in} to {@code out}, as bytes: the
     * baseline.
     */
    private static double rawPipe(String bootstrap, String in, String out, long n) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-pipe");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-pipe");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(in));
            long copied = 0;
            long start = 0;
            while (copied < n) {
                ConsumerRecords<byte[], byte[]> rs = consumer.poll(Duration.ofMillis(100));
                if (rs.isEmpty()) {
                    continue;
                }
                if (start == 0) {
                    start = System.nanoTime();
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : rs) {
                    producer.send(new ProducerRecord<>(out, r.key(), r.value()));
                    offsets.put(
                            new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1));
                    copied++;
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Events/s of the engine, from its first ledger entry to the last of {@code n} (counted, not
     * decoded).
     */
    private static double awaitLedger(
            String bootstrap, String ledger, long n, VmledgerEngine engine) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(ledger)) {
                parts.add(new TopicPartition(ledger, pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long seen = 0;
            long start = 0;
            while (seen < n) {
                int got = consumer.poll(Duration.ofMillis(100)).count();
                if (got > 0 && start == 0) {
                    start = System.nanoTime();
                }
                seen += got;
                if (engine.streams().state().hasCompletedShutdown()) {
                    throw new IllegalStateException("engine stopped: " + engine.streams().state());
                }
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
