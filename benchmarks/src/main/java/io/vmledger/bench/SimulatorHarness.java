package io.vmledger.bench;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.trace.TraceFileWriter;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The simulator harness of {@code docs/benchmarks.md} ("Simulator"): in one run, on one embedded
 * broker, the fleet simulator's events/s (a) generating only, (b) to a JSON Lines file, (c) to an
 * Avro container file, (d) to Kafka through {@link EventPublisher} as {@code vmledger simulate}
 * does, and (e) a raw {@link KafkaProducer} with the same producer settings sending the very same
 * key and value bytes (encoded beforehand, untimed), so (d)/(e) is the simulator's cost on top of
 * Kafka. A first pass, reported as warm-up, lets the JIT compile. Each Kafka measurement runs
 * twice, alternating, and ends when every record is acknowledged. Record timestamps are event times
 * in both.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.vmledger.bench.SimulatorHarness
 * [devices] [events]}.
 */
public final class SimulatorHarness {
    private static final int PARTITIONS = 4;

    private SimulatorHarness() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.vmledger.schema");
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long events = args.length > 1 ? Long.parseLong(args[1]) : 3_000_000;
        SimConfig config = new SimConfig(devices, events, 0, 1, SimConfig.DEFAULT_START, 0.05, 0);
        Path work = Files.createTempDirectory("vmledger-sim-bench");
        try {
            System.out.printf(
                    Locale.ROOT, "fleet: %d devices, %,d events, seed 1%n", devices, events);
            report("warm-up: simulate only (JIT compiling)", events, timeGenerate(config));
            report("simulate only (no output)", events, timeGenerate(config));
            report(
                    "simulate -> JSON Lines file",
                    events,
                    timeFile(config, work.resolve("fleet.jsonl")));
            System.out.printf(
                    Locale.ROOT,
                    "  (%,d bytes, %.0f bytes/event)%n",
                    Files.size(work.resolve("fleet.jsonl")),
                    Files.size(work.resolve("fleet.jsonl")) / (double) events);
            report(
                    "simulate -> Avro container file",
                    events,
                    timeFile(config, work.resolve("fleet.avro")));
            Topic<String, VmEvent> eventsTopic = Topics.defaults(PARTITIONS).events();
            List<Encoded> records = encode(config, eventsTopic);
            long bytes = records.stream().mapToLong(r -> r.key().length + r.value().length).sum();
            System.out.printf(
                    Locale.ROOT,
                    "records: %,d, key+value %.1f bytes on average%n",
                    records.size(),
                    bytes / (double) records.size());
            try (EmbeddedKafkaBroker broker =
                    EmbeddedKafkaBroker.start(work.resolve("broker"), 0)) {
                String bootstrap = broker.bootstrapServers();
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    List<NewTopic> topics = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        topics.add(new NewTopic("bench.raw-" + i, PARTITIONS, (short) 1));
                        topics.add(new NewTopic("bench.sim-" + i, PARTITIONS, (short) 1));
                    }
                    admin.createTopics(topics).all().get();
                }
                for (int i = 0; i < 2; i++) {
                    double raw = timeRaw(bootstrap, "bench.raw-" + i, records);
                    report("raw KafkaProducer, same bytes (run " + (i + 1) + ")", events, raw);
                    double sim =
                            timeKafka(
                                    config,
                                    bootstrap,
                                    new Topic<>(
                                            "bench.sim-" + i,
                                            eventsTopic.keySerde(),
                                            eventsTopic.valueSerde()));
                    report(
                            "simulate -> Kafka via EventPublisher (run " + (i + 1) + ")",
                            events,
                            sim);
                    System.out.printf(Locale.ROOT, "  simulate/raw = %.1f %%%n", 100 * raw / sim);
                }
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private static void report(String what, long events, double seconds) {
        System.out.printf(
                Locale.ROOT, "%-52s %6.2f s  %,10.0f events/s%n", what, seconds, events / seconds);
    }

    private static double timeGenerate(SimConfig config) {
        long t0 = System.nanoTime();
        long sink = 0;
        FleetSim sim = new FleetSim(config);
        while (sim.hasNext()) {
            sink += sim.next().event().getSeq();
        }
        if (sink == 0) {
            throw new IllegalStateException("no events");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double timeFile(SimConfig config, Path file) throws Exception {
        long t0 = System.nanoTime();
        try (TraceFileWriter w = TraceFileWriter.create(file)) {
            new FleetSim(config).forEachRemaining(e -> w.write(e.event()));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double timeKafka(
            SimConfig config, String bootstrap, Topic<String, VmEvent> topic) {
        long t0 = System.nanoTime();
        try (EventPublisher p = new EventPublisher(bootstrap, topic, Map.of())) {
            new FleetSim(config).forEachRemaining(e -> p.send(e.event()));
            p.flush();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * One record as EventPublisher sends it: device key, single-object encoded event, event time in
     * ms.
     */
    private record Encoded(byte[] key, byte[] value, long millis) {}

    /** The records of every simulated event, encoded with the serdes of {@code events}. */
    private static List<Encoded> encode(SimConfig config, Topic<String, VmEvent> events) {
        List<Encoded> out = new ArrayList<>();
        new FleetSim(config)
                .forEachRemaining(
                        e -> {
                            VmEvent v = e.event();
                            out.add(
                                    new Encoded(
                                            events.serializeKey(v.getDevice()),
                                            events.serializeValue(v),
                                            v.getTs() / 1000));
                        });
        return out;
    }

    /**
     * A producer with EventPublisher's settings sending pre-encoded records (bytes, so that no
     * encoding is timed); seconds until all are acknowledged.
     */
    private static double timeRaw(String bootstrap, String topic, List<Encoded> records) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Encoded r : records) {
                producer.send(new ProducerRecord<>(topic, null, r.millis(), r.key(), r.value()));
            }
            producer.flush();
        }
        return (System.nanoTime() - t0) / 1e9;
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
