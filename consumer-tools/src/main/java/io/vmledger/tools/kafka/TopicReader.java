package io.vmledger.tools.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one of vmledger's topics without a consumer group: all its partitions (or the one a
 * device lives in), committed records only ({@code read_committed}: the engine writes
 * transactionally), from the beginning, the end, or a point in time. {@link #read} stops at the
 * end the topic had when it was called, or follows new records until {@link #wakeup()}.
 * The tools (coredumps, alerts, audit, the demo and the engine's ledger printer) share it.
 */
public final class TopicReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(15);

    /** What to do with each record. */
    @FunctionalInterface
    public interface RecordHandler {
        void accept(ConsumerRecord<byte[], byte[]> record) throws IOException;
    }

    /** Decodes a record's value (e.g. {@code Wire::coredump}); throws for an unreadable one. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(byte[] value) throws IOException;
    }

    /** What to do with each decoded value, and with a record that does not decode. */
    public interface Handler<T> {
        void record(T value, ConsumerRecord<byte[], byte[]> raw) throws IOException;

        void unreadable(ConsumerRecord<byte[], byte[]> raw, String reason);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    private TopicReader(List<TopicPartition> partitions, KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        this.partitions = partitions;
        consumer.assign(partitions);
    }

    /** A reader of every partition of {@code topic}, positioned at the beginning. */
    public static TopicReader all(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> c = consumer(bootstrap);
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : partitionsOf(c, topic)) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        TopicReader r = new TopicReader(parts, c);
        r.fromBeginning();
        return r;
    }

    /** A reader of the one partition of {@code topic} that holds records keyed {@code key}, at its beginning. */
    public static TopicReader partitionOf(String bootstrap, String topic, byte[] key) {
        KafkaConsumer<byte[], byte[]> c = consumer(bootstrap);
        int n = partitionsOf(c, topic).size();
        TopicReader r = new TopicReader(List.of(new TopicPartition(topic, KeyPartition.of(key, n))), c);
        r.fromBeginning();
        return r;
    }

    /** Positions every partition at its beginning. */
    public TopicReader fromBeginning() {
        consumer.seekToBeginning(partitions);
        return this;
    }

    /** Positions every partition at its current end: only records written from now on are read. */
    public TopicReader fromEnd() {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return this;
    }

    /**
     * Positions every partition at its first record whose timestamp (event time in ms) is at or
     * after {@code millis}; partitions with none are positioned at their end.
     */
    public TopicReader fromTime(long millis) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, Math.max(0, millis)));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp o = found.get(p);
            consumer.seek(p, o == null ? ends.get(p) : o.offset());
        }
        return this;
    }

    /** Positions {@code partition} at {@code offset}. */
    public TopicReader seek(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        return this;
    }

    /** The partitions this reader reads. */
    public List<TopicPartition> partitions() {
        return List.copyOf(partitions);
    }

    /**
     * Hands every record to {@code handler} in partition order, until the end the topic had at
     * the call ({@code follow} false), or until {@link #wakeup()} ({@code follow} true).
     *
     * @return the number of records handed over
     */
    public long read(boolean follow, RecordHandler handler) throws IOException {
        Map<TopicPartition, Long> ends = follow ? Map.of() : consumer.endOffsets(partitions);
        long n = 0;
        try {
            while (follow || !reached(ends)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    handler.accept(r);
                    n++;
                }
            }
        } catch (WakeupException e) {
            // asked to stop
        }
        return n;
    }

    /**
     * As {@link #read(boolean, RecordHandler)}, decoding each value with {@code decoder}; records
     * that do not decode (including tombstones) go to {@link Handler#unreadable} with the reason.
     */
    public <T> long read(boolean follow, Decoder<T> decoder, Handler<T> handler) throws IOException {
        return read(follow, r -> {
            T value;
            try {
                value = decoder.decode(r.value() == null ? new byte[0] : r.value());
            } catch (IOException | RuntimeException e) {
                handler.unreadable(r, String.valueOf(e.getMessage()));
                return;
            }
            handler.record(value, r);
        });
    }

    /** Makes a {@link #read} in progress (on another thread) return. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < ends.get(p)) {
                return false;
            }
        }
        return true;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<PartitionInfo> partitionsOf(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> parts = c.partitionsFor(topic, METADATA_WAIT);
        if (parts == null || parts.isEmpty()) {
            c.close();
            throw new IllegalStateException("topic " + topic + " does not exist (is the engine running with the same --topic-prefix?)");
        }
        return parts;
    }
}
