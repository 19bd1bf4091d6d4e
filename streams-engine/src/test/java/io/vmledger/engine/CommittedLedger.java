package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * An engine's ledger as a {@code read_committed} consumer sees it, from the start: what
 * exactly-once has committed, nothing of a transaction still open or aborted. Tests wait on it for
 * the fold's progress and hold the whole of it against {@link ReplayReference}.
 */
public final class CommittedLedger implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<String> entries = new ArrayList<>();

    /** Reads the ledger topic {@code topic} on {@code bootstrap} from its first record. */
    public CommittedLedger(String bootstrap, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Reads until at least {@code n} entries are in, failing after {@code wait}; the entries
     * (outcome lines) read so far.
     */
    public List<String> awaitAtLeast(int n, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (entries.size() < n) {
            assertTrue(
                    System.nanoTime() - deadline < 0,
                    "only "
                            + entries.size()
                            + " of "
                            + n
                            + " ledger entries were committed within "
                            + wait);
            poll();
        }
        return List.copyOf(entries);
    }

    /**
     * Reads up to what is committed now (each partition's last stable offset), failing after {@code
     * wait}; the entries read so far.
     */
    public List<String> readCommitted(Duration wait) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + wait.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            assertTrue(
                    System.nanoTime() - deadline < 0,
                    "the committed ledger " + end + " was not read within " + wait);
            poll();
        }
        return List.copyOf(entries);
    }

    /** Reads what has been committed since the last read (waiting up to 100 ms); entries so far. */
    public int read() {
        poll();
        return entries.size();
    }

    private void poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            try {
                entries.add(LedgerJson.format(Wire.ledger(r.value())));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(
                        "unreadable ledger entry at offset " + r.offset(), e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }

    /**
     * Waits until the engine's consumer group (its application id) has committed, on every
     * partition of the events topic, the topic's end offset (every published event is folded and,
     * exactly-once, its outputs committed in the same transaction) and no transaction is open on
     * the ledger (the commit markers of the last one have landed there too): the committed ledger
     * is then complete.
     */
    public static void awaitFolded(
            String bootstrap, String applicationId, Topics topics, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin =
                Admin.create(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, Long> end =
                    ends(admin, topics.events().name(), IsolationLevel.READ_UNCOMMITTED);
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets(
                                        applicationId,
                                        new ListConsumerGroupOffsetsOptions().requireStable(true))
                                .partitionsToOffsetAndMetadata()
                                .get();
                Map<TopicPartition, Long> committed = new HashMap<>();
                for (TopicPartition p : end.keySet()) {
                    OffsetAndMetadata o = offsets.get(p);
                    committed.put(p, o == null ? 0L : o.offset());
                }
                Map<TopicPartition, Long> stable =
                        ends(admin, topics.ledger().name(), IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> written =
                        ends(admin, topics.ledger().name(), IsolationLevel.READ_UNCOMMITTED);
                if (committed.equals(end) && stable.equals(written)) {
                    return;
                }
                assertTrue(
                        System.nanoTime() - deadline < 0,
                        "within "
                                + wait
                                + " the engine committed "
                                + committed
                                + " of the events topic's "
                                + end
                                + "; ledger stable up to "
                                + stable
                                + " of "
                                + written);
                Thread.sleep(100);
            }
        } catch (ExecutionException e) {
            throw new AssertionError(
                    "cannot read the offsets of " + topics.events() + " or " + topics.ledger(),
                    e.getCause());
        }
    }

    private static Map<TopicPartition, Long> ends(
            Admin admin, String topic, IsolationLevel isolation)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var p :
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()) {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(isolation))
                .all()
                .get()
                .forEach((p, o) -> out.put(p, o.offset()));
        return out;
    }

    /**
     * Asserts that {@code ledger} holds exactly the reference's outcomes: as many entries as
     * events, and each device's entries the reference's, in the same (seq) order.
     */
    public static void assertMatches(ReplayReference ref, List<String> ledger) {
        Map<String, List<String>> byDevice = new LinkedHashMap<>();
        for (String line : ledger) {
            String device = line.substring(line.indexOf("\"device\":\"") + 10);
            device = device.substring(0, device.indexOf('"'));
            byDevice.computeIfAbsent(device, k -> new ArrayList<>()).add(line);
        }
        assertEquals(ref.events().size(), ledger.size(), "ledger entries");
        for (Map.Entry<String, List<String>> d : byDevice.entrySet()) {
            assertEquals(ref.outcomes(d.getKey()), d.getValue(), d.getKey());
        }
    }
}
