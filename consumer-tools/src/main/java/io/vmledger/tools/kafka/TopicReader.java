package io.vmledger.tools.kafka;

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
 * Reads one of vmledger's topics without a consumer group: all its partitions (or the one a
 * device lives in), committed records only ({@code read_committed}: the engine writes
 * transactionally), from the beginning, the end, an offset or a point in time. {@link #read}
 * pushes records to a handler until the end the topic had when it was called, or follows new
 * records until {@link #wakeup()}; {@link #next()} pulls them one at a time up to a fixed end.
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

    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private Map<TopicPartition, Long> fixedEnd;

    private TopicReader(List<TopicPartition> partitions, KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        this.partitions = partitions;
        consumer.assign(partitions);
    }

    /** A reader of every partition of {@code topic}, positioned at the beginning. */
    public static TopicReader all(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> c = consumer(bootstrap);
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : partitionsOf(c, topic)) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            return new TopicReader(parts, c).fromBeginning();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A reader of the one partition of {@code topic} that holds {@code device}'s records, at its beginning. */
    public static TopicReader partitionOf(String bootstrap, String topic, String device) {
        KafkaConsumer<byte[], byte[]> c = consumer(bootstrap);
        try {
            int n = partitionsOf(c, topic).size();
            return new TopicReader(List.of(new TopicPartition(topic, Topics.partitionOf(device, n))), c).fromBeginning();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
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

    /** Positions every partition at {@code offset} (for a one-partition reader: that offset of it). */
    public TopicReader seek(long offset) {
        partitions.forEach(p -> consumer.seek(p, offset));
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
        long n = 0;
        try {
            Map<TopicPartition, Long> ends = follow ? Map.of() : consumer.endOffsets(partitions);
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

    /**
     * The next record (in offset order within each partition) before the end the topic had at
     * the first call, or null once that end is reached: what a pull reader sees is a fixed
     * prefix of the topic even while the engine keeps writing.
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
                throw new IllegalStateException("no records from " + partitions + " for " + STALL.toSeconds()
                        + " s although the topic ends at " + fixedEnd);
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
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<PartitionInfo> partitionsOf(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> parts = c.partitionsFor(topic, METADATA_WAIT);
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("no topic " + topic + " (has the engine run with this --topic-prefix?)");
        }
        return parts;
    }
}
