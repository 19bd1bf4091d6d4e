package io.vmledger.tools.coredump;

import io.vmledger.schema.Coredump;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the coredumps topic from the beginning, committed records only (read_committed), without
 * a consumer group: every run sees every dump. Either stops at the end the topic had when the
 * run started, or follows it until {@link #stop}.
 */
public final class CoredumpTopicReader implements AutoCloseable {
    /** What to do with each record. */
    public interface Handler {
        /** A decoded coredump. */
        void coredump(Coredump c) throws IOException;

        /** A record that is not a readable coredump, with where it is and why. */
        void unreadable(String topic, int partition, long offset, String reason);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    /**
     * A reader of {@code topic} on {@code bootstrap}.
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public CoredumpTopicReader(String bootstrap, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("no topic " + topic + " (has the engine run with this --topic-prefix?)");
        }
        for (PartitionInfo p : infos) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Hands every record to {@code handler}, in partition order within each device; returns at
     * the end the topic had when this call started, or with {@code follow} only after {@link #stop}.
     */
    public void run(boolean follow, Handler handler) throws IOException {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        try {
            while (!stopped.get() && (follow || !atEnd(end))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Coredump c;
                    try {
                        c = Wire.coredump(r.value() == null ? new byte[0] : r.value());
                    } catch (IOException e) {
                        handler.unreadable(r.topic(), r.partition(), r.offset(), e.getMessage());
                        continue;
                    }
                    handler.coredump(c);
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        }
    }

    private boolean atEnd(Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < end.get(p)) {
                return false;
            }
        }
        return true;
    }

    /** Makes {@link #run} return soon; callable from another thread. */
    public void stop() {
        stopped.set(true);
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
