package io.vmledger.bench;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.schema.topic.Topics;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.ChurnTrace;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * The end-to-end harness of {@code docs/benchmarks.md}: on one embedded broker, in one run,
 * (a) a raw exactly-once pipe (read_committed consumer → transactional producer of the same
 * records, offsets committed in the transaction) and (b) the engine (exactly_once_v2), over the
 * same input topic; then the engine's state restore rate after its state directory is deleted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.vmledger.bench.EnginePipeHarness [devices] [rounds]}.
 */
public final class EnginePipeHarness {
    private static final int PARTITIONS = 4;

    private EnginePipeHarness() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.vmledger.schema");
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
        EngineTopology.StoreType storeType = args.length > 2 ? EngineTopology.StoreType.valueOf(args[2])
                : EngineTopology.StoreType.ROCKSDB;
        Path work = Files.createTempDirectory("vmledger-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0)) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = Topics.prefixed("bench.", PARTITIONS, (short) 1);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                topics.ensure(admin);
                admin.createTopics(List.of(new NewTopic("bench.pipe-out", PARTITIONS, (short) 1))).all().get();
            }
            long n = publish(bootstrap, topics.events(), devices, rounds);
            System.out.printf(Locale.ROOT, "input: %d events, %d devices, %d partitions%n", n, devices, PARTITIONS);

            double pipe = rawPipe(bootstrap, topics.events(), "bench.pipe-out", n);
            System.out.printf(Locale.ROOT, "raw pipe (EOS consume->produce): %,.0f events/s%n", pipe);

            EngineConfig config = new EngineConfig(bootstrap, "bench-engine", work.resolve("state"),
                    EngineConfig.STALL_TIMEOUT, 1, 0, topics, FoldConfig.DEFAULT, storeType,
                    "127.0.0.1", 0, Map.of(), EngineTopology.DEFAULT_SNAPSHOT_EVERY, AlertThresholds.DEFAULT,
                    EngineTopology.defaultWorkingSetBytes());
            double engine;
            try (VmledgerEngine e = VmledgerEngine.start(config)) {
                engine = awaitLedger(bootstrap, topics.ledger(), n, e);
            }
            System.out.printf(Locale.ROOT, "engine (exactly_once_v2, %s stores): %,.0f events/s = %.1f %% of the raw pipe%n",
                    storeType, engine, 100 * engine / pipe);

            deleteRecursively(work.resolve("state"));
            long t0 = System.nanoTime();
            try (VmledgerEngine e = VmledgerEngine.start(config)) {
                if (!e.awaitRunning(Duration.ofMinutes(10))) {
                    throw new IllegalStateException("engine did not restart");
                }
                long restored = e.restore().restoredRecords();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "restore after deleting the state dir: %,d changelog records in %.2f s"
                        + " (start to RUNNING) = %,.0f records/s%n", restored, secs, restored / secs);
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private static long publish(String bootstrap, String topic, int devices, int rounds) throws Exception {
        long n = 0;
        try (EventPublisher p = new EventPublisher(bootstrap, topic, Map.of())) {
            for (String line : ChurnTrace.lines(devices, rounds)) {
                VmEvent e = TraceJson.parse(line);
                p.send(e);
                n++;
            }
            p.flush();
        }
        return n;
    }

    /** Events/s of a transactional consume→produce copy of {@code in} to {@code out}. */
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
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
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
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    copied++;
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Events/s of the engine, from its first ledger entry to the last of {@code n}. */
    private static double awaitLedger(String bootstrap, String ledger, long n, VmledgerEngine engine) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
