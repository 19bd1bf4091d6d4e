package io.vmledger.tools.audit;

import io.vmledger.engine.topology.SnapshotKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one partition of a topic in offset order, committed records only, from a start position
 * to the end the partition had when the cursor was opened: what an audit reads is a fixed
 * prefix of the topic, even while the engine keeps writing.
 */
final class PartitionCursor implements AutoCloseable {
    /** How long the cursor waits for records it knows exist before it gives up. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final long end;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();

    private PartitionCursor(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end) {
        this.consumer = consumer;
        this.partition = partition;
        this.end = end;
    }

    /** A cursor on {@code topic}'s partition holding {@code device}, starting at its first offset. */
    static PartitionCursor fromStart(String bootstrap, String topic, String device) {
        return open(bootstrap, topic, device, Start.BEGINNING, 0);
    }

    /** A cursor on {@code topic}'s partition holding {@code device}, starting at {@code offset}. */
    static PartitionCursor fromOffset(String bootstrap, String topic, String device, long offset) {
        return open(bootstrap, topic, device, Start.OFFSET, offset);
    }

    /**
     * A cursor on {@code topic}'s partition holding {@code device}, starting at the first record
     * whose timestamp is at least {@code timestampMs} ({@code offsetsForTimes}): every earlier
     * record has an earlier timestamp.
     */
    static PartitionCursor fromTime(String bootstrap, String topic, String device, long timestampMs) {
        return open(bootstrap, topic, device, Start.TIME, timestampMs);
    }

    private enum Start {
        BEGINNING, OFFSET, TIME
    }

    private static PartitionCursor open(String bootstrap, String topic, String device, Start start, long at) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("no topic " + topic);
            }
            TopicPartition tp = new TopicPartition(topic, SnapshotKey.partitionOf(device, infos.size()));
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            switch (start) {
                case BEGINNING -> c.seekToBeginning(List.of(tp));
                case OFFSET -> c.seek(tp, at);
                case TIME -> {
                    OffsetAndTimestamp o = c.offsetsForTimes(Map.of(tp, at)).get(tp);
                    c.seek(tp, o == null ? end : o.offset());
                }
            }
            return new PartitionCursor(c, tp, end);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The next record, or null once the end is reached. */
    ConsumerRecord<byte[], byte[]> next() {
        long waitingSince = System.nanoTime();
        while (buffer.isEmpty()) {
            long position = consumer.position(partition);
            if (position >= end) {
                return null;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end) {
                    buffer.add(r);
                }
            }
            if (buffer.isEmpty() && consumer.position(partition) == position
                    && System.nanoTime() - waitingSince > STALL.toNanos()) {
                throw new IllegalStateException("no records from " + partition + " at offset " + position
                        + " for " + STALL.toSeconds() + " s (end " + end + ")");
            }
        }
        return buffer.poll();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
