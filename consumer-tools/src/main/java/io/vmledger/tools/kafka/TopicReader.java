package io.vmledger.tools.kafka;

import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * Reads one of vmledger's topics without a consumer group: all its partitions (or the one a device
 * lives in), committed records only ({@code read_committed}: the engine writes transactionally),
 * from the beginning, the end, an offset or a point in time. {@link #read} pushes decoded values to
 * a handler until the end the topic had when it was called, or follows new records until {@link
 * #wakeup()}; {@link #next()} pulls records one at a time up to a fixed end, for the caller to
 * decode ({@link #value}) only those it needs. The tools (coredumps, alerts, audit, the demo and
 * the engine's ledger printer) share it.
 *
 * <p>Records are fetched as bytes and decoded here with the topic's serdes rather than by the
 * consumer: a record that does not decode is then one record reported unreadable, not a poll that
 * fails.
 *
 * @param <K> the type of the topic's keys
 * @param <V> the type of the topic's values
 */
public final class TopicReader<K, V> implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(15);

    /** What to do with each decoded value, and with a record that does not decode. */
    public interface Handler<T> {
        /** A record and its decoded value. */
        void record(T value, ConsumerRecord<byte[], byte[]> raw) throws IOException;

        /** A record whose value does not decode (including a tombstone), and why. */
        void unreadable(ConsumerRecord<byte[], byte[]> raw, String reason);
    }

    private static final Duration STALL = Duration.ofSeconds(60);

    private final Topic<K, V> topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private Map<TopicPartition, Long> fixedEnd;

    private TopicReader(
            Topic<K, V> topic,
            List<TopicPartition> partitions,
            KafkaConsumer<byte[], byte[]> consumer) {
        this.topic = topic;
        this.consumer = consumer;
        this.partitions = partitions;
        consumer.assign(partitions);
    }

    /** A reader of every partition of {@code topic}, positioned at the beginning. */
    public static <K, V> TopicReader<K, V> all(String bootstrap, Topic<K, V> topic) {
        KafkaConsumer<byte[], byte[]> c = consumer(bootstrap);
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : partitionsOf(c, topic.name())) {
                parts.add(new TopicPartition(topic.name(), p.partition()));
            }
            return new TopicReader<>(topic, parts, c).fromBeginning();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A reader of the one partition of {@code topic} that holds {@code device}'s records, at its
     * beginning.
     */
    public static <K, V> TopicReader<K, V> partitionOf(
            String bootstrap, Topic<K, V> topic, String device) {
        KafkaConsumer<byte[], byte[]> c = consumer(bootstrap);
        try {
            int n = partitionsOf(c, topic.name()).size();
            return new TopicReader<>(
                            topic,
                            List.of(
                                    new TopicPartition(
                                            topic.name(), Topics.partitionOf(device, n))),
                            c)
                    .fromBeginning();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Positions every partition at its beginning. */
    public TopicReader<K, V> fromBeginning() {
        consumer.seekToBeginning(partitions);
        return this;
    }

    /** Positions every partition at its current end: only records written from now on are read. */
    public TopicReader<K, V> fromEnd() {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return this;
    }

    /**
     * Positions every partition at its first record whose timestamp (event time in ms) is at or
     * after {@code millis}; partitions with none are positioned at their end.
     */
    public TopicReader<K, V> fromTime(long millis) {
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

    /**
     * Positions every partition at {@code offset} (for a one-partition reader: that offset of it).
     */
    public TopicReader<K, V> seek(long offset) {
        partitions.forEach(p -> consumer.seek(p, offset));
        return this;
    }

    /**
     * Positions each partition whose number {@code next} maps at that offset (the one after the
     * last record read before); the others stay where they are. With the offsets of what an earlier
     * reader handed over, a new one reads only what was written since.
     */
    public TopicReader<K, V> resume(Map<Integer, Long> next) {
        for (TopicPartition p : partitions) {
            Long offset = next.get(p.partition());
            if (offset != null) {
                consumer.seek(p, offset);
            }
        }
        return this;
    }

    /** The topic this reader reads. */
    public Topic<K, V> topic() {
        return topic;
    }

    /** The partitions this reader reads. */
    public List<TopicPartition> partitions() {
        return List.copyOf(partitions);
    }

    /**
     * Hands every record to {@code handler} in partition order, decoded ({@link #value}), until the
     * end the topic had at the call ({@code follow} false), or until {@link #wakeup()} ({@code
     * follow} true). Records that do not decode (including tombstones) go to {@link
     * Handler#unreadable} with the reason.
     *
     * @return the number of records handed over, readable or not
     */
    public long read(boolean follow, Handler<V> handler) throws IOException {
        long n = 0;
        try {
            Map<TopicPartition, Long> ends = follow ? Map.of() : consumer.endOffsets(partitions);
            while (follow || !reached(ends)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    hand(r, handler);
                    n++;
                }
            }
        } catch (WakeupException e) {
            // asked to stop
        }
        return n;
    }

    private void hand(ConsumerRecord<byte[], byte[]> record, Handler<V> handler)
            throws IOException {
        V value;
        try {
            value = value(record);
        } catch (RuntimeException e) {
            handler.unreadable(record, String.valueOf(e.getMessage()));
            return;
        }
        handler.record(value, record);
    }

    /**
     * The value of a record of this reader's topic, decoded with the topic's value serde; a
     * tombstone is decoded as an empty value, so it fails as a value that is not one does.
     *
     * @throws org.apache.kafka.common.errors.SerializationException for a value that does not
     *     decode
     */
    public V value(ConsumerRecord<byte[], byte[]> record) {
        return topic.deserializeValue(record.value() == null ? new byte[0] : record.value());
    }

    /**
     * The next record (in offset order within each partition) before the end the topic had at the
     * first call, or null once that end is reached: what a pull reader sees is a fixed prefix of
     * the topic even while the engine keeps writing.
     *
     * @throws IllegalStateException if records known to exist do not arrive for a minute
     */
    public ConsumerRecord<byte[], byte[]> next() {
        if (fixedEnd == null) {
            fixedEnd = consumer.endOffsets(partitions);
        }
        long waitingSince = System.nanoTime();
        while (buffer.isEmpty()) {
            if (reached(fixedEnd)) {
                return null;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < fixedEnd.get(new TopicPartition(r.topic(), r.partition()))) {
                    buffer.add(r);
                }
            }
            if (buffer.isEmpty() && System.nanoTime() - waitingSince > STALL.toNanos()) {
                throw new IllegalStateException(
                        "no records from "
                                + partitions
                                + " for "
                                + STALL.toSeconds()
                                + " s although the topic ends at "
                                + fixedEnd);
            }
        }
        return buffer.poll();
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
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        4 * 1024 * 1024,
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        50,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private static List<PartitionInfo> partitionsOf(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> parts = c.partitionsFor(topic, METADATA_WAIT);
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException(
                    "no topic " + topic + " (has the engine run with this --topic-prefix?)");
        }
        return parts;
    }
}
